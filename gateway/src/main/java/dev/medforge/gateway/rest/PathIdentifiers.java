package dev.medforge.gateway.rest;

import dev.medforge.contracts.ControlCharacters;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Ids in the path go on to the registry and into PostgreSQL, which failed with a 500 on a NUL byte;
 * such an id is refused here, naming the parameter, before anything is looked up or sent on.
 */
public class PathIdentifiers {

    @ServerRequestFilter
    public Optional<Response> refuseControlCharacters(UriInfo uri) {
        return ControlCharacters.inPathParameters(uri.getPathParameters()).map(ProblemMappers::problem);
    }
}
