package dev.medforge.registry.rest;

import dev.medforge.contracts.Problem;
import dev.medforge.registry.mapping.SubmissionMapper;
import dev.medforge.registry.service.SubmissionHistoryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Internal API for the gateway, which decides who may see what. Listens on loopback only. */
@Path("/internal/submissions")
@Produces(MediaType.APPLICATION_JSON)
public class SubmissionResource {

    private final SubmissionHistoryService history;

    SubmissionResource(SubmissionHistoryService history) {
        this.history = history;
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") String id) {
        return history.find(id).flatMap(submission -> submission == null
                ? Uni.createFrom().item(Response.status(404).type(Problem.MEDIA_TYPE)
                        .entity(Problem.of(404, "Submission not found", "no submission " + id)).build())
                : history.history(id).map(entries -> Response.ok(SubmissionMapper.toView(submission, entries)).build()));
    }
}
