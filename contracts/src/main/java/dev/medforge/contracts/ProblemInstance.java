package dev.medforge.contracts;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Stamps every problem a service answers with its {@code instance}: the path of the request that
 * failed (RFC 9457 §3.1.5). One filter instead of one argument per exception mapper; it also
 * replaces the instance of a problem passed on from another service (the gateway relays the
 * registry's refusals), whose internal path means nothing to the caller.
 */
@Provider
public class ProblemInstance implements ContainerResponseFilter {

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem) {
            response.setEntity(problem.withInstance("/" + request.getUriInfo().getPath().replaceFirst("^/", "")));
        }
    }
}
