package dev.medforge.gateway.rest;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.NotificationHub;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/notifications")
public class NotificationResource {

    /** First event of every stream: from here on, nothing published is missed. */
    public static final String CONNECTED = "connected";

    private final CurrentCaller currentCaller;
    private final NotificationHub hub;

    NotificationResource(CurrentCaller currentCaller, NotificationHub hub) {
        this.currentCaller = currentCaller;
        this.hub = hub;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "Server-sent events: model.published for everyone, submission.status for the caller's institution",
            description = "Role subscriber. Each event's data is the event envelope (JSON); the stream opens with a `connected` event.")
    public Multi<OutboundSseEvent> stream(@Context Sse sse) {
        Caller caller = currentCaller.get();
        Multi<OutboundSseEvent> events = hub.streamFor(caller).map(n -> sse.newEventBuilder()
                .name(n.name())
                .id(n.event().id())
                // The envelope is JSON already; as text it is written as is instead of quoted again.
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(EventCodec.encode(n.event()))
                .build());
        OutboundSseEvent connected = sse.newEventBuilder().name(CONNECTED).data(caller.username()).build();
        // Merged with the hub stream subscribed first, so it exists before the client hears "connected".
        return Multi.createBy().merging().streams(events, Multi.createFrom().item(connected));
    }
}
