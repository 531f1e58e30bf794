package dev.medforge.gateway.rest;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.NotificationHub;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.openapi.annotations.Operation;

@Path("/api/v1/notifications")
public class NotificationResource {

    /** First event of every stream: from here on, nothing published is missed. */
    public static final String CONNECTED = "connected";

    /**
     * Second event of a stream whose {@code Last-Event-ID} is no longer in the history: events may
     * have been missed, so the client must read the state it cares about again.
     */
    public static final String RESYNC = "resync";

    private final CurrentCaller currentCaller;
    private final NotificationHub hub;
    private final GatewayConfig.Notifications config;

    NotificationResource(CurrentCaller currentCaller, NotificationHub hub, GatewayConfig config) {
        this.currentCaller = currentCaller;
        this.hub = hub;
        this.config = config.notifications();
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "Server-sent events: model.published for everyone, submission.status for the caller's institution",
            description = "Role subscriber. Each event's data is the event envelope (JSON) and its `id` the event id. The stream "
                    + "opens with a `connected` event that sets `retry`, and a `: heartbeat` comment comes every 15 s. "
                    + "Reconnect with `Last-Event-ID` to receive what was published after that event; when the gateway no longer "
                    + "knows it, `resync` follows `connected` and the client should read the state it follows again.")
    public Multi<OutboundSseEvent> stream(@Context Sse sse, @HeaderParam("Last-Event-ID") String lastEventId) {
        Caller caller = currentCaller.get();
        OptionalLong resumeAt = lastEventId == null || lastEventId.isBlank() ? OptionalLong.empty() : hub.positionOf(lastEventId.strip());
        // Taken before "connected" is written: the stream starts after it, so nothing published meanwhile is missed.
        long after = resumeAt.orElse(hub.position());
        List<OutboundSseEvent> opening = new ArrayList<>();
        opening.add(sse.newEventBuilder().name(CONNECTED).reconnectDelay(config.retry().toMillis()).data(caller.username()).build());
        if (lastEventId != null && !lastEventId.isBlank() && resumeAt.isEmpty()) {
            opening.add(sse.newEventBuilder().name(RESYNC)
                    .data("event " + lastEventId.strip() + " is no longer in this gateway's history; read the state you follow again")
                    .build());
        }
        Multi<OutboundSseEvent> events = hub.streamAfter(caller, after).map(n -> sse.newEventBuilder()
                .name(n.name())
                .id(n.event().id())
                // The envelope is JSON already; as text it is written as is instead of quoted again.
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(EventCodec.encode(n.event()))
                .build());
        // A comment every few seconds keeps proxies from closing an idle stream and lets the client notice a dead one.
        Multi<OutboundSseEvent> heartbeats = Multi.createFrom().ticks().every(config.heartbeat())
                .map(tick -> sse.newEventBuilder().comment("heartbeat").build());
        return Multi.createBy().concatenating().streams(Multi.createFrom().iterable(opening),
                Multi.createBy().merging().streams(events, heartbeats));
    }
}
