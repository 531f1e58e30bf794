package dev.medforge.gateway.rest;

import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.SubmissionView;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.rest.client.inject.RestClient;


@Path("/api/v1/submissions")
@Produces(MediaType.APPLICATION_JSON)
public class SubmissionStatusResource {

    private final CurrentCaller currentCaller;
    private final RegistryClient registry;

    SubmissionStatusResource(CurrentCaller currentCaller, @RestClient RegistryClient registry) {
        this.currentCaller = currentCaller;
        this.registry = registry;
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Caller.CONTRIBUTOR, Caller.OPERATOR})
    @Operation(summary = "A submission's status history with rejection or gate reasons, and its withdrawals",
            description = "Role contributor, own institution only: another institution's submission is 404, as if it did not exist. "
                    + "Role operator: any submission, as the operator replays dead letters and withdraws for institutions. "
                    + "`withdrawals` lists each request to take it out of a branch: PENDING, PUBLISHED (from `version` on) or "
                    + "GATED_OUT (with `gateReasons`; the submission stays in the head and may be withdrawn again).")
    public Uni<SubmissionView> status(@PathParam("id") String id) {
        Caller caller = currentCaller.get();
        String institution = caller.institution().orElse(null);
        return registry.submission(id).map(submission -> {
            if (!caller.isOperator() && !submission.institution().equals(institution)) {
                throw GatewayException.notFound("Submission", id);
            }
            return submission;
        });
    }
}
