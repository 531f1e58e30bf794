package dev.medforge.gateway.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.medforge.contracts.AccessProblems;
import dev.medforge.contracts.BodyProblems;
import dev.medforge.contracts.Problem;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.validation.FieldErrors;
import dev.medforge.gateway.GatewayException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Every error leaves as {@code application/problem+json}. Bad input is the caller's fault and says
 * what to fix; only a real fault of ours is a 500, and it shows an incident id, never a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String MULTIPART_PARSER = "org.jboss.resteasy.reactive.server.core.multipart.";

    @ServerExceptionMapper
    public Response refused(GatewayException e) {
        return problem(e.problem());
    }

    // Proactive authentication is off (application.properties) so that these reach the mappers.
    @ServerExceptionMapper({AuthenticationFailedException.class, UnauthorizedException.class})
    public Response unauthenticated(RuntimeException e) {
        return AccessProblems.unauthorized("a valid bearer token from the medforge realm with audience 'gateway' is required");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return AccessProblems.forbidden("the token lacks the role this operation needs");
    }

    /** Listed by name as well: Quarkus's own mapper for mismatched input would otherwise be the closer match. */
    @ServerExceptionMapper({JsonProcessingException.class, MismatchedInputException.class})
    public Response unreadableJson(JsonProcessingException e) {
        return problem(BodyProblems.unreadable(e));
    }

    /**
     * The multipart parser refuses a body it cannot split (too many parts, or one cut off before its
     * closing boundary) with a bare runtime or I/O exception. Where it was thrown is what tells it
     * from a fault of ours, which must stay a 500.
     */
    @ServerExceptionMapper({RuntimeException.class, IOException.class})
    public Response malformedMultipart(Exception e) {
        StackTraceElement[] origin = e.getStackTrace();
        if (origin.length > 0 && origin[0].getClassName().startsWith(MULTIPART_PARSER)) {
            return problem(GatewayException.badRequest("MULTIPART", "body", "the multipart body cannot be read: " + e.getMessage()
                    + "; send each of the five parts once, with its closing boundary").problem());
        }
        return unexpected(e);
    }

    /**
     * A request body that breaks its record's constraints, each broken rule named with its field,
     * as the registry names the rules of its own requests.
     */
    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e) {
        List<FieldError> errors = FieldErrors.of("", e.getConstraintViolations());
        return problem(Problem.of(400, errors.size() + " field(s) failed validation", errors));
    }

    /** The registry could not be reached: ours to fix, but not a fault of the gateway itself. */
    @ServerExceptionMapper
    public Response unreachable(ProcessingException e) {
        LOG.warnf("an internal service is unreachable: %s", e.getMessage());
        return problem(Problem.of(502, "an internal service is unreachable; try again later"));
    }

    /** The registry did not answer within its client's timeout (contracts RegistryClient): a wait, not a refusal. */
    @ServerExceptionMapper
    public Response timedOut(TimeoutException e) {
        LOG.warnf("an internal service did not answer in time: %s", e.getMessage());
        return problem(Problem.of(504, "an internal service did not answer in time; try again later"));
    }

    /** Quarkus reports JSON that does not parse as a bare 400 whose cause says what is wrong. */
    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableJson(unreadable);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getStatusCode() >= 500) {
            return unexpected(e);
        }
        return problem(Problem.of(status.getStatusCode(), e.getMessage()));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        String incident = UUID.randomUUID().toString();
        LOG.errorf(e, "incident %s", incident);
        return problem(Problem.of(500, "the gateway failed; incident " + incident));
    }

    static Response problem(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }
}
