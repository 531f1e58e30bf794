package dev.medforge.registry.rest;

import dev.medforge.registry.api.WithdrawalRequest;
import dev.medforge.registry.mapping.BranchMapper;
import dev.medforge.registry.service.WithdrawalService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import static dev.medforge.registry.security.ServiceRoles.GATEWAY;

/** Internal API for the gateway, which has decided that the caller may withdraw the submission. */
@Path("/internal/branches/{branch}/submissions/{id}/withdrawal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WithdrawalResource {

    private final WithdrawalService withdrawals;

    WithdrawalResource(WithdrawalService withdrawals) {
        this.withdrawals = withdrawals;
    }

    /** 202: the request is recorded and the composite without the submission is on its way. */
    @RolesAllowed(GATEWAY)
    @POST
    public Uni<Response> withdraw(@PathParam("branch") String branch, @PathParam("id") String submissionId, WithdrawalRequest request) {
        WithdrawalRequest.validate(request);
        return withdrawals.request(branch, submissionId, request)
                .map(withdrawal -> Response.accepted(BranchMapper.toView(withdrawal)).build());
    }
}
