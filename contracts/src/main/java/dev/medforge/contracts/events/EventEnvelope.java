package dev.medforge.contracts.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One envelope for every event, with CloudEvents 1.0 attribute names. Consumers deduplicate by
 * {@code id}; {@code subject} is the branch id and doubles as the Kafka key.
 */
public record EventEnvelope<T extends EventData>(
        String id,
        String type,
        String source,
        Instant time,
        String subject,
        String specversion,
        String dataschema,
        T data) {

    public static final String SPEC_VERSION = "1.0";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps {@code data} in a fresh envelope stamped now by {@code source} (the emitting service). */
    public static <T extends EventData> EventEnvelope<T> wrap(String source, T data) {
        EventType type = EventType.of(data);
        return new EventEnvelope<>(UUID.randomUUID().toString(), type.type(), source, Instant.now(),
                data.branch(), SPEC_VERSION, type.dataschema(), data);
    }

    /**
     * Wraps {@code data} as the consequence of the event {@code causeId}. The id is derived from the
     * cause, so a handler that runs twice for one redelivered event emits the same event twice, and
     * consumers drop the repeat by id.
     */
    public static <T extends EventData> EventEnvelope<T> wrapCausedBy(String source, T data, String causeId) {
        EventType type = EventType.of(data);
        String id = UUID.nameUUIDFromBytes((causeId + "/" + type.type() + "/" + data.discriminator()).getBytes(StandardCharsets.UTF_8)).toString();
        return new EventEnvelope<>(id, type.type(), source, Instant.now(), data.branch(), SPEC_VERSION,
                type.dataschema(), data);
    }

    public EventType eventType() {
        return EventType.ofType(type).orElseThrow();
    }
}
