package dev.medforge.registry.rest;

import dev.medforge.registry.RegistryException;
import dev.medforge.contracts.registry.SubmissionView;
import dev.medforge.registry.mapping.SubmissionMapper;
import dev.medforge.registry.security.ServiceRoles;
import dev.medforge.registry.service.SubmissionHistoryService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Internal API for the gateway, which decides who may see what. Listens on loopback only. */
@RolesAllowed(ServiceRoles.GATEWAY)
@Path("/internal/submissions")
@Produces(MediaType.APPLICATION_JSON)
public class SubmissionResource {

    private final SubmissionHistoryService history;

    SubmissionResource(SubmissionHistoryService history) {
        this.history = history;
    }

    @GET
    @Path("/{id}")
    public Uni<SubmissionView> get(@PathParam("id") String id) {
        return history.find(id).flatMap(submission -> {
            if (submission == null) {
                throw RegistryException.notFound("Submission", id);
            }
            return history.history(id).flatMap(entries -> history.withdrawals(id)
                    .map(withdrawals -> SubmissionMapper.toView(submission, entries, withdrawals)));
        });
    }
}
