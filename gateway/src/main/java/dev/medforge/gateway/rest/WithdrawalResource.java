package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.WithdrawalView;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.security.CurrentCaller;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** An institution takes its published contribution out of a branch; an operator may do so for any. */
@Path("/api/v1/branches/{branch}/submissions/{id}/withdrawal")
@Produces(MediaType.APPLICATION_JSON)
public class WithdrawalResource {

    private final CurrentCaller currentCaller;
    private final RegistryClient registry;

    WithdrawalResource(CurrentCaller currentCaller, @RestClient RegistryClient registry) {
        this.currentCaller = currentCaller;
        this.registry = registry;
    }

    @POST
    @RolesAllowed({Caller.CONTRIBUTOR, Caller.OPERATOR})
    @Operation(summary = "Withdraw a published contribution from the branch",
            description = "Role contributor for its own institution's submission, or operator for any; another institution's "
                    + "submission is 404, as if it did not exist. 202 with the recorded request: the head's other adapters are merged "
                    + "again without it, in their original order, evaluated and gated like any composite; the version published from "
                    + "them omits it, its card names the withdrawal, who asked and when, and the submission's history ends WITHDRAWN (unless "
                    + "it was submitted to another branch, such as a fork's source, whose head still holds it). "
                    + "409 naming the rule when the submission is not in the head (NOT_IN_HEAD), is being withdrawn (WITHDRAWAL_PENDING), "
                    + "was withdrawn (ALREADY_WITHDRAWN) or is the head's only adapter (LAST_CONTRIBUTION). Copies of earlier versions "
                    + "already downloaded cannot be recalled.")
    @APIResponse(responseCode = "202", description = "Recorded; the composite without the contribution is on its way",
            content = @Content(schema = @Schema(implementation = WithdrawalView.class)))
    public Uni<Response> withdraw(@PathParam("branch") String branch, @PathParam("id") String id) {
        // The registry checks the institution against the forwarded token and answers 404 for another's.
        Caller caller = currentCaller.get();
        ObjectNode request = JsonNodeFactory.instance.objectNode()
                .put("requestedBy", caller.name())
                .put("requesterInstitution", caller.institution().orElse(null));
        return registry.withdraw(branch, id, currentCaller.accessToken(), request)
                .map(withdrawal -> Response.accepted(withdrawal).build());
    }
}
