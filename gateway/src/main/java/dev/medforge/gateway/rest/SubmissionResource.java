package dev.medforge.gateway.rest;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.IdempotencyClaim;
import dev.medforge.gateway.service.SubmissionService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.IOException;
import java.net.URI;
import java.util.Optional;

/**
 * Under the branch path on purpose: JAX-RS picks the resource class by its longest matching path,
 * so a submission endpoint declared below a shorter class path would never be reached.
 */
@Path("/api/v1/branches/{branch}/submissions")
@Produces(MediaType.APPLICATION_JSON)
public class SubmissionResource {

    /** Stripe's name for it: the answer repeats an earlier request's, nothing new was submitted. */
    static final String REPLAYED = "Idempotent-Replayed";

    private final CurrentCaller currentCaller;
    private final SubmissionService submissions;

    SubmissionResource(CurrentCaller currentCaller, SubmissionService submissions) {
        this.currentCaller = currentCaller;
        this.submissions = submissions;
    }

    /** The id a submission goes by from here on: in its status, its events and the model cards that hold it. */
    public record Accepted(String submissionId) {
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Caller.CONTRIBUTOR)
    @Operation(summary = "Submit an adapter", description = "Role contributor. The institution is the token's; "
            + "a manifest naming another institution is refused (400). Each part is size-checked (413) and sniffed (400).")
    @APIResponse(responseCode = "202", description = "Accepted; follow the Location for its status",
            content = @Content(schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "409", description = "An identical submission (same institution, branch, task and adapter "
            + "bytes) is in flight or decided: the problem detail and errors[0] name its id. After a rejection the same bytes may be sent again.")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used before for a different submission "
            + "(IDEMPOTENCY_KEY_REUSED)")
    public Response submit(@PathParam("branch") String branch, @BeanParam SubmissionForm form,
                           @Parameter(description = "Any unique string (1 to 255 visible ASCII characters, such as a UUID): the same "
                                   + "request sent again with it, after a timeout say, answers 202 with the first one's submission id and "
                                   + "Idempotent-Replayed: true, instead of 409")
                           @HeaderParam(IdempotencyClaim.HEADER) String idempotencyKey) throws IOException {
        SubmissionService.Submitted submitted = submissions.submit(currentCaller.get(), branch, form.files(),
                Optional.ofNullable(idempotencyKey));
        Response.ResponseBuilder accepted = Response.accepted(new Accepted(submitted.submissionId()))
                .location(URI.create("/api/v1/submissions/" + submitted.submissionId()));
        if (submitted.replayed()) {
            accepted.header(REPLAYED, "true");
        }
        return accepted.build();
    }
}
