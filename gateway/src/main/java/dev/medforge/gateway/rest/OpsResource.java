package dev.medforge.gateway.rest;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.DeadLetterQueue;
import dev.medforge.gateway.DeadLetterReplay;
import dev.medforge.gateway.MergeWorkers;
import dev.medforge.gateway.service.DeadLetterService;
import dev.medforge.gateway.service.MergeWorkerService;
import dev.medforge.gateway.service.StageTimings;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

@Path("/api/v1/ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsResource {

    private final MergeWorkerService mergeWorkers;
    private final DeadLetterService deadLetters;
    private final StageTimings timings;

    OpsResource(MergeWorkerService mergeWorkers, DeadLetterService deadLetters, StageTimings timings) {
        this.mergeWorkers = mergeWorkers;
        this.deadLetters = deadLetters;
        this.timings = timings;
    }

    @GET
    @Path("/merge-workers")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "The merge workers' consumer group: members, their partitions and lag", description = "Role operator.")
    public MergeWorkers mergeWorkers() throws InterruptedException, ExecutionException, TimeoutException {
        return mergeWorkers.describe();
    }

    @GET
    @Path("/timings")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Queue waits by topic and time per pipeline stage: count, mean, median and 95th percentile in seconds",
            description = "Role operator. Read from every part's metrics and added up over them, since each part started;"
                    + " unread names the parts whose metrics did not answer.")
    public StageTimings.Report timings() {
        return timings.read();
    }

    @GET
    @Path("/dlq")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "The records on a pipeline topic's DLQ, optionally those naming one submission",
            description = "Role operator. topic is a pipeline topic (not its .dlq); each record with its offset, reason"
                    + " header and, if it decodes, its event id and type.")
    public DeadLetterQueue deadLetters(@QueryParam("topic") String topic, @QueryParam("submission") String submission) {
        return deadLetters.list(topic, Optional.ofNullable(submission));
    }

    @POST
    @Path("/dlq/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Send a DLQ's records back to their topic, once each",
            description = "Role operator. Body {\"topic\": T, \"submission\": ID (optional)}. Records already replayed, and"
                    + " records that are not events of the topic's type, are skipped with the reason.")
    public DeadLetterReplay replay(@Valid @NotNull(message = "a JSON body {\"topic\": ...} is required") DeadLetterReplay.Request request) {
        return deadLetters.replay(request.topic(), Optional.ofNullable(request.submission()));
    }
}
