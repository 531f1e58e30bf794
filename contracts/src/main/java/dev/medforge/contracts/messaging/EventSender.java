package dev.medforge.contracts.messaging;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

import java.time.Duration;
import java.time.Instant;

/** How every service puts an envelope on its topic, and measures how long the envelopes it consumes waited. */
public final class EventSender {

    /** Timer of the time from an event's production to its consumption, tagged with the topic. */
    public static final String QUEUE_WAIT = "medforge.queue.wait";

    private EventSender() {
    }

    /**
     * Sends {@code envelope} keyed by its subject, the branch (so a branch's events stay on one
     * partition, in order), and waits for the broker's acknowledgement: a consumer that commits its
     * offset after this cannot lose the event it produced.
     */
    public static void send(MutinyEmitter<Record<String, String>> emitter, EventEnvelope<?> envelope) {
        emitter.sendAndAwait(Record.of(envelope.subject(), EventCodec.encode(envelope)));
    }

    /**
     * {@link #send} for a caller that must not block (a request or a consumer on the event loop): the
     * broker's acknowledgement completes the returned {@code Uni}.
     */
    public static Uni<Void> emit(MutinyEmitter<Record<String, String>> emitter, EventEnvelope<?> envelope) {
        return emitter.send(Record.of(envelope.subject(), EventCodec.encode(envelope)));
    }

    /** Records the queue wait of {@code consumed}: its producer's clock to ours, on one machine or NTP-synchronised ones. */
    public static void recordQueueWait(MeterRegistry meters, String topic, EventEnvelope<?> consumed) {
        Duration wait = Duration.between(consumed.time(), Instant.now());
        meters.timer(QUEUE_WAIT, "topic", topic).record(wait.isNegative() ? Duration.ZERO : wait);
    }
}
