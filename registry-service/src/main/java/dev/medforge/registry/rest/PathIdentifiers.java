package dev.medforge.registry.rest;

import dev.medforge.contracts.ControlCharacters;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * The gateway refuses such ids too, but the registry is called directly by the other services and
 * must not turn a NUL byte into a PostgreSQL error and a 500.
 */
public class PathIdentifiers {

    @ServerRequestFilter
    public Optional<Response> refuseControlCharacters(UriInfo uri) {
        return ControlCharacters.inPathParameters(uri.getPathParameters()).map(ProblemMapper::problem);
    }
}
