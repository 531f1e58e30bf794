package dev.medforge.gateway.service;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.Notification;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fans each notification out to every open stream; a stream sees only what its caller may see.
 *
 * <p>Every notification gets a position in one sequence, and the most recent ones are kept. A
 * stream starts after a position: the one current when its client was told "connected" (so nothing
 * published while the response starts is missed), or the position of the last event a client
 * received before its connection dropped ({@code Last-Event-ID}). The history begins with the tail
 * of the topics ({@code NotificationBackfill}), so a stream can also resume on a gateway that was
 * restarted, or on another instance.
 */
@ApplicationScoped
public class NotificationHub {

    /** Events a slow client may fall behind by before its stream fails and it must reconnect (and resume). */
    private static final int PER_STREAM_BUFFER = 256;

    /** Notifications kept for resuming: at today's rates, hours of a busy branch. */
    static final int HISTORY = 2_000;

    private final Object lock = new Object();
    private final Deque<Positioned> history = new ArrayDeque<>();
    private final Map<String, Long> positions = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private long newest;

    private record Positioned(long position, Notification notification) { }

    private record Listener(Caller caller, MultiEmitter<? super Notification> emitter) { }

    public void publish(Notification notification) {
        synchronized (lock) {
            if (positions.containsKey(notification.event().id())) {
                // read back from the topic at start and now also delivered live
                return;
            }
            remember(notification);
            listeners.stream().filter(l -> notification.visibleTo(l.caller())).forEach(l -> l.emitter().emit(notification));
        }
    }

    /**
     * Older notifications read back from the topics at start: they take positions before anything
     * that arrived live (in event time order) and are never sent to open streams, which have seen
     * their time pass already.
     */
    public void backfill(List<Notification> older) {
        synchronized (lock) {
            List<Notification> newestFirst = older.stream().filter(n -> !positions.containsKey(n.event().id()))
                    .sorted(Comparator.comparing((Notification n) -> n.event().time()).reversed()).toList();
            for (Notification n : newestFirst) {
                if (history.size() >= HISTORY) {
                    break;
                }
                long below = Math.min(history.isEmpty() ? newest + 1 : history.peekFirst().position(), newest + 1) - 1;
                history.addFirst(new Positioned(below, n));
                positions.put(n.event().id(), below);
            }
        }
    }

    /** The position of the newest notification: a stream started after it misses nothing published later. */
    public long position() {
        synchronized (lock) {
            return newest;
        }
    }

    /** The position of the notification with this event id, if it is still in the history. */
    public OptionalLong positionOf(String eventId) {
        synchronized (lock) {
            Long p = positions.get(eventId);
            return p == null ? OptionalLong.empty() : OptionalLong.of(p);
        }
    }

    /** What the caller may see of the history, oldest first: the console's list of an institution's submissions. */
    public List<Notification> history(Caller caller) {
        synchronized (lock) {
            return history.stream().map(Positioned::notification).filter(n -> n.visibleTo(caller)).toList();
        }
    }

    /**
     * The caller's notifications after {@code position}: first those in the history, then live ones.
     * The two meet without a gap or a repeat because the stream is registered under the lock that
     * publishing takes.
     */
    public Multi<Notification> streamAfter(Caller caller, long position) {
        return Multi.createFrom().<Notification>emitter(emitter -> {
            Listener listener = new Listener(caller, emitter);
            synchronized (lock) {
                history.stream().filter(p -> p.position() > position && p.notification().visibleTo(caller))
                        .forEach(p -> emitter.emit(p.notification()));
                listeners.add(listener);
            }
            emitter.onTermination(() -> listeners.remove(listener));
        }).onOverflow().buffer(PER_STREAM_BUFFER);
    }

    private void remember(Notification n) {
        Positioned p = new Positioned(++newest, n);
        history.addLast(p);
        positions.put(n.event().id(), p.position());
        if (history.size() > HISTORY) {
            positions.remove(history.removeFirst().notification().event().id());
        }
    }
}
