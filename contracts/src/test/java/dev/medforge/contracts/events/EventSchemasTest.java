package dev.medforge.contracts.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.testing.EventSchemas;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Issue 15: each topic's JSON Schema accepts what the records write and refuses what they cannot mean. */
class EventSchemasTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<EventData> examples() {
        return EventCodecTest.examples();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyExampleEventConformsToItsTopicsSchema(EventData data) {
        String json = EventCodec.encode(EventEnvelope.wrap("test", data));

        assertEquals(List.of(), EventSchemas.violations(json), json);
    }

    @Test
    void everyTopicHasASchemaWhoseIdIsItsDataschema() {
        Set<EventType> covered = examples().stream().map(EventType::of).collect(Collectors.toSet());
        assertEquals(Set.of(EventType.values()), covered, "the examples cover every event type");
        Arrays.stream(EventType.values()).forEach(type ->
                assertEquals(type.dataschema(), EventSchemas.of(type).getSchemaNode().path("$id").asText(), type.topic()));
    }

    @Test
    void aMissingFieldAnUnknownFieldABadDigestAndAnUnknownStageAreEachRefused() throws Exception {
        ObjectNode published = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(6))));
        ((ObjectNode) published.get("data")).remove("artifact");
        assertTrue(EventSchemas.violations(published.toString()).stream().anyMatch(v -> v.contains("artifact")),
                EventSchemas.violations(published.toString()).toString());

        ObjectNode extra = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(6))));
        ((ObjectNode) extra.get("data")).put("surprise", 1);
        assertTrue(EventSchemas.violations(extra.toString()).stream().anyMatch(v -> v.contains("surprise")),
                EventSchemas.violations(extra.toString()).toString());

        ObjectNode digest = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(6))));
        ((ObjectNode) digest.get("data")).put("artifact", "md5:abc");
        assertTrue(EventSchemas.violations(digest.toString()).stream().anyMatch(v -> v.contains("artifact")),
                EventSchemas.violations(digest.toString()).toString());

        ObjectNode stage = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(7))));
        ((ObjectNode) stage.get("data")).put("stage", "DONE");
        assertTrue(EventSchemas.violations(stage.toString()).stream().anyMatch(v -> v.contains("stage")),
                EventSchemas.violations(stage.toString()).toString());

        ObjectNode time = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(7))));
        time.put("time", "yesterday");
        assertTrue(EventSchemas.violations(time.toString()).stream().anyMatch(v -> v.contains("time")),
                EventSchemas.violations(time.toString()).toString());

        assertEquals(List.of("no schema for event type 'medforge.unknown'"), EventSchemas.violations("{\"type\":\"medforge.unknown\"}"));
    }

    /** Issue 12 item 5: a verdict's work time names both figures, whole and not negative. */
    @Test
    void aWorkTimeWithoutItsEvaluationOrWithANegativeMergeIsRefused() throws Exception {
        ObjectNode partial = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(10))));
        ((ObjectNode) partial.get("data").get("work")).remove("evaluationMillis");
        assertTrue(EventSchemas.violations(partial.toString()).stream().anyMatch(v -> v.contains("evaluationMillis")),
                EventSchemas.violations(partial.toString()).toString());

        ObjectNode negative = (ObjectNode) JSON.readTree(EventCodec.encode(EventEnvelope.wrap("test", examples().get(10))));
        ((ObjectNode) negative.get("data").get("work")).put("mergeMillis", -1);
        assertTrue(EventSchemas.violations(negative.toString()).stream().anyMatch(v -> v.contains("mergeMillis")),
                EventSchemas.violations(negative.toString()).toString());
    }
}
