package dev.medforge.gateway.rest;

import dev.medforge.gateway.GatewayException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ids in the path go on to the registry and into PostgreSQL, which cannot hold a NUL byte in text
 * and failed with a 500 on one. No MedForge id contains a control character, so such an id is
 * refused here, naming the parameter, before anything is looked up or sent on.
 */
public class PathIdentifiers {

    @ServerRequestFilter
    public Optional<Response> refuseControlCharacters(UriInfo uri) {
        for (Map.Entry<String, List<String>> parameter : uri.getPathParameters().entrySet()) {
            if (parameter.getValue().stream().anyMatch(value -> value.chars().anyMatch(Character::isISOControl))) {
                return Optional.of(ProblemMappers.problem(GatewayException.badRequest("CONTROL_CHARACTER", parameter.getKey(),
                        "must not contain control characters such as NUL").problem()));
            }
        }
        return Optional.empty();
    }
}
