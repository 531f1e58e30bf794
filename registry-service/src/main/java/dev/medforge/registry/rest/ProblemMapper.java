package dev.medforge.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.medforge.contracts.AccessProblems;
import dev.medforge.contracts.BodyProblems;
import dev.medforge.contracts.Problem;
import dev.medforge.registry.RegistryException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every refusal leaves as problem details naming the rule and the field; never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response refused(RegistryException e) {
        return Response.status(e.status()).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(e.status(), e.getMessage(), e.errors()))
                .build();
    }

    // Proactive authentication is off (application.properties) so that these reach the mappers.
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return AccessProblems.unauthorized(
                "a client-credentials token of a MedForge service identity with audience 'registry-service' is required");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return AccessProblems.forbidden("this service's identity may not make this call");
    }

    /** Listed by name as well: Quarkus's own mapper for mismatched input would otherwise be the closer match. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadable(JsonProcessingException e) {
        return problem(BodyProblems.unreadable(e));
    }

    /** Quarkus reports JSON that does not parse as a bare 400 whose cause says what is wrong. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadable(unreadable);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return status.getStatusCode() >= 500 ? e.getResponse()
                : problem(Problem.of(status.getStatusCode(), e.getMessage()));
    }

    static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
