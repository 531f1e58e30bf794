package dev.medforge.gateway.service;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.Notification;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

/** Fans each notification out to every open stream; a stream sees only what its caller may see. */
@ApplicationScoped
public class NotificationHub {

    /** Events a slow client may fall behind by before the oldest are dropped for it alone. */
    private static final int PER_STREAM_BUFFER = 256;

    private final BroadcastProcessor<Notification> broadcast = BroadcastProcessor.create();

    public void publish(Notification notification) {
        broadcast.onNext(notification);
    }

    public Multi<Notification> streamFor(Caller caller) {
        return broadcast.filter(n -> n.visibleTo(caller))
                .onOverflow().buffer(PER_STREAM_BUFFER);
    }
}
