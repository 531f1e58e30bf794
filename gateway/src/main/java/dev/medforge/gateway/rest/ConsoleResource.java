package dev.medforge.gateway.rest;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.MergeWorkers;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.ConsoleService;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.ForbiddenException;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;


/**
 * The web console: server-rendered pages over the same registry views and services the API uses.
 * The browser signs in through the {@code console} OIDC tenant (code flow with PKCE, session
 * cookie); every path here needs a session (application.properties), and the roles below decide
 * which pages open.
 */
@Path("/console")
// The operations page shows these API records as they are.
@TemplateData(target = MergeWorkers.class)
@TemplateData(target = MergeWorkers.Member.class)
@TemplateData(target = MergeWorkers.PartitionLag.class)
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    private final ConsoleService console;
    private final CurrentCaller currentCaller;
    private final NotificationResource notifications;
    private final Template branches;
    private final Template branch;
    private final Template submissions;
    private final Template operations;
    private final Template forbidden;

    ConsoleResource(ConsoleService console, CurrentCaller currentCaller, NotificationResource notifications,
                    @Location("console/branches.html") Template branches, @Location("console/branch.html") Template branch,
                    @Location("console/submissions.html") Template submissions,
                    @Location("console/operations.html") Template operations, @Location("console/forbidden.html") Template forbidden) {
        this.console = console;
        this.currentCaller = currentCaller;
        this.notifications = notifications;
        this.branches = branches;
        this.branch = branch;
        this.submissions = submissions;
        this.operations = operations;
        this.forbidden = forbidden;
    }

    @GET
    @RolesAllowed({Caller.SUBSCRIBER, Caller.OPERATOR})
    @Operation(hidden = true)
    public Uni<TemplateInstance> branches(@QueryParam("page") @DefaultValue("1") int page) {
        Caller caller = currentCaller.get();
        return console.branches(page).map(list -> branches.data("viewer", ConsoleService.Viewer.of(caller)).data("list", list));
    }

    @GET
    @Path("/branches/{branch}")
    @RolesAllowed({Caller.SUBSCRIBER, Caller.OPERATOR})
    @Operation(hidden = true)
    public Uni<TemplateInstance> branch(@PathParam("branch") String id) {
        Caller caller = currentCaller.get();
        return console.branch(id).map(page -> branch.data("viewer", ConsoleService.Viewer.of(caller)).data("page", page));
    }

    @GET
    @Path("/submissions")
    @RolesAllowed(Caller.CONTRIBUTOR)
    @Operation(hidden = true)
    public TemplateInstance submissions() {
        Caller caller = currentCaller.get();
        return submissions.data("viewer", ConsoleService.Viewer.of(caller)).data("submissions", console.submissions(caller))
                .data("meanings", console.meanings());
    }

    /** Reads the brokers and runs the health checks: blocking work, off the event loop. */
    @GET
    @Path("/operations")
    @RolesAllowed(Caller.OPERATOR)
    @Blocking
    @Operation(hidden = true)
    public TemplateInstance operations() throws Exception {
        return operations.data("viewer", ConsoleService.Viewer.of(currentCaller.get())).data("ops", console.operations());
    }

    /** The notification stream (the same one the API serves), for the session the browser holds. */
    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(hidden = true)
    public Multi<OutboundSseEvent> events(@Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId) {
        return notifications.stream(sse, lastEventId);
    }

    /** A page, not problem JSON: a person in a browser asked for a page their roles do not open. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Response.status(Response.Status.FORBIDDEN).type(MediaType.TEXT_HTML_TYPE)
                .entity(forbidden.data("viewer", ConsoleService.Viewer.of(currentCaller.get())).render()).build();
    }
}
