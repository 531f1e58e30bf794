package dev.medforge.registry.rest;

import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.registry.Requests.WithdrawalRequest;
import dev.medforge.registry.api.RequestRules;
import dev.medforge.registry.mapping.BranchMapper;
import dev.medforge.registry.security.ActingUsers;
import dev.medforge.registry.service.WithdrawalService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import static dev.medforge.registry.security.ServiceRoles.GATEWAY;

/**
 * Internal API for the gateway. Who asks is the user whose token the gateway forwards; the registry
 * checks again that they may withdraw the submission (their institution's, or any for an operator).
 */
@Path("/internal/branches/{branch}/submissions/{id}/withdrawal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WithdrawalResource {

    private final WithdrawalService withdrawals;
    private final ActingUsers users;
    private final RequestRules rules;

    WithdrawalResource(WithdrawalService withdrawals, ActingUsers users, RequestRules rules) {
        this.withdrawals = withdrawals;
        this.users = users;
        this.rules = rules;
    }

    /** 202: the request is recorded and the composite without the submission is on its way. */
    @RolesAllowed(GATEWAY)
    @POST
    public Uni<Response> withdraw(@PathParam("branch") String branch, @PathParam("id") String submissionId,
                                  @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, WithdrawalRequest request) {
        rules.check(request);
        return users.verify(onBehalfOf)
                .invoke(user -> {
                    user.mustBeNamed(request.requestedBy(), "requestedBy");
                    if (request.requesterInstitution() != null) {
                        user.institutionFor(request.requesterInstitution(), "requesterInstitution");
                    }
                })
                .flatMap(user -> withdrawals.request(branch, submissionId, user))
                .map(withdrawal -> Response.accepted(BranchMapper.toView(withdrawal)).build());
    }
}
