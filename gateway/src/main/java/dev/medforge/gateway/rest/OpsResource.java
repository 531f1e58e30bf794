package dev.medforge.gateway.rest;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.MergeWorkers;
import dev.medforge.gateway.service.MergeWorkerService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

@Path("/api/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {

    private final MergeWorkerService mergeWorkers;

    OpsResource(MergeWorkerService mergeWorkers) {
        this.mergeWorkers = mergeWorkers;
    }

    @GET
    @Path("/merge-workers")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "The merge workers' consumer group: members, their partitions and lag", description = "Role operator.")
    public MergeWorkers mergeWorkers() throws InterruptedException, ExecutionException, TimeoutException {
        return mergeWorkers.describe();
    }
}
