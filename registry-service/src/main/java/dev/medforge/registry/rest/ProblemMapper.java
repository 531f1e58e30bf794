package dev.medforge.registry.rest;

import dev.medforge.contracts.Problem;
import dev.medforge.registry.RegistryException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal leaves as problem details naming the rule and the field; never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response refused(RegistryException e) {
        return Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", e.title(), e.status(), e.getMessage(), e.errors()))
                .build();
    }
}
