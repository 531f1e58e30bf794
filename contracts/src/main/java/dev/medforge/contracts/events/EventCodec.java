package dev.medforge.contracts.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads and writes envelopes as JSON. Decoding never trusts the producer: the {@code type} picks the
 * record class, and anything that does not fit is an {@link InvalidEventException}, which consumers
 * turn into a dead letter instead of a crash.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private EventCodec() {
    }

    public static String encode(EventEnvelope<?> envelope) {
        try {
            return MAPPER.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static EventEnvelope<?> decode(String json) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new InvalidEventException("not JSON: " + firstLine(e));
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidEventException("an event must be a JSON object");
        }
        String type = tree.path("type").asText("");
        EventType eventType = EventType.ofType(type)
                .orElseThrow(() -> new InvalidEventException("unknown event type '" + type + "'"));
        for (String attribute : new String[]{"id", "source", "time", "data"}) {
            if (!tree.hasNonNull(attribute)) {
                throw new InvalidEventException("missing attribute '" + attribute + "'");
            }
        }
        try {
            EventData data = MAPPER.treeToValue(tree.get("data"), eventType.dataClass());
            return new EventEnvelope<>(tree.get("id").asText(), type, tree.get("source").asText(),
                    MAPPER.treeToValue(tree.get("time"), java.time.Instant.class),
                    tree.path("subject").asText(data.branch()), tree.path("specversion").asText(EventEnvelope.SPEC_VERSION),
                    tree.path("dataschema").asText(eventType.dataschema()), data);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidEventException("data does not fit " + eventType.dataClass().getSimpleName() + ": " + firstLine(e));
        }
    }

    public static EventEnvelope<?> decode(byte[] json) {
        return decode(new String(json, StandardCharsets.UTF_8));
    }

    /** Decodes and checks that the envelope carries the expected record, as a consumer of one topic needs. */
    @SuppressWarnings("unchecked")
    public static <T extends EventData> EventEnvelope<T> decode(String json, Class<T> expected) {
        EventEnvelope<?> envelope = decode(json);
        if (!expected.isInstance(envelope.data())) {
            throw new InvalidEventException("expected " + expected.getSimpleName() + " but got type '" + envelope.type() + "'");
        }
        return (EventEnvelope<T>) envelope;
    }

    private static String firstLine(Exception e) {
        String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
