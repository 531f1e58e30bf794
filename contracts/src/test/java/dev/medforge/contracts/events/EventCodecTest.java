package dev.medforge.contracts.events;

import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.AdapterValidated.ValidationReport;
import dev.medforge.contracts.events.CompositeCreated.SearchStep;
import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.EventSchemas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventCodecTest {

    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);
    private static final SubmittedArtifacts ARTIFACTS = new SubmittedArtifacts(D1, D2, D1, D2);
    private static final PrivacyFigures PRIVACY = new PrivacyFigures(0.51, 0.56, 0.012, 0.83);
    private static final AdapterRef REF = new AdapterRef("s-1", "hospital-a", "tops", D2, D1, D1, PRIVACY);
    private static final TaskMetrics TOPS = new TaskMetrics(0.81, 0.93, 2000);

    /** One populated example of every event; the test below proves the list covers every type. */
    static List<EventData> examples() {
        return List.of(
                new AdapterSubmitted("s-1", "hospital-a", "main", "tops", ARTIFACTS,
                        Map.of("description", "tops classifier", "epochs", 3)),
                new AdapterValidated("s-1", "hospital-a", "main", "tops", ARTIFACTS,
                        new ValidationReport(8, List.of("q_proj", "v_proj", "out_proj"), 1.25, 40, List.of("FORMAT", "NORM_BOUND"), PRIVACY)),
                new AdapterRejected("s-1", "hospital-a", "main",
                        List.of(new RejectionReason("NORM_BOUND", "blocks.0.attn.q_proj", "delta-W norm 812 exceeds 50"))),
                new CompositeCreated("c-1", "main", 2, "c-0", List.of(REF), "fusion", Map.of("s-1", 0.7),
                        List.of(new SearchStep(1, 0.52, List.of(0.7))), D2, 4200),
                new CompositeEvaluated("c-1", "main", 2, "fusion", D2, List.of(REF), Map.of("s-1", 0.7), Map.of("tops", TOPS), Map.of("tops", new TaskMetrics(0.8, 0.9, 2000)),
                        Map.of("tops", TOPS), new GateDecision(false, List.of("tops lost 2.5 points"))),
                new CompositeRebase("main", 3, "c-3", "c-1", List.of(REF), "mixture"),
                new ModelPublished("main", 3, "c-3", D2, "fusion", List.of("s-1"), Map.of("tops", TOPS)),
                new SubmissionStatus("s-1", "hospital-a", "main", Stage.GATED_OUT, "tops lost 2.5 points"),
                new CompositeCreated("c-2", "main", 2, "c-0", List.of(REF), "mixture", Map.of("s-1", 1.0),
                        Map.of("tops", Map.of("s-1", 1.0)), List.of(new SearchStep(1, 0.4, List.of(1.0))), D2, 900),
                new CompositeEvaluated("c-2", "main", 2, "mixture", D2, List.of(REF), Map.of("s-1", 1.0), Map.of("tops", Map.of("s-1", 1.0)),
                        Map.of("tops", TOPS), Map.of(), Map.of("tops", TOPS), new GateDecision(true, List.of())),
                new CompositeEvaluated("c-3", "main", 2, "fusion", D2, List.of(REF), Map.of("s-1", 0.7), Map.of(),
                        Map.of("tops", TOPS), Map.of(), Map.of("tops", TOPS), new GateDecision(true, List.of()), List.of(),
                        new WorkTime(4200, 1300)));
    }

    @ParameterizedTest
    @MethodSource("examples")
    void everyEventSurvivesARoundTrip(EventData data) {
        EventEnvelope<EventData> sent = EventEnvelope.wrap("test", data);

        EventEnvelope<?> received = EventCodec.decode(EventCodec.encode(sent));

        assertEquals(sent, received);
        assertEquals(data.branch(), received.subject());
        assertEquals(EventType.of(data).topic(), received.type());
    }

    @Test
    void aCompositeEventWrittenBeforeMixtureRowsDecodesWithNoRows() {
        String json = EventCodec.encode(EventEnvelope.wrap("merge-service", examples().get(3)));
        String old = json.replaceAll(",\"taskCoefficients\":\\{[^}]*\\}", "");
        assertTrue(json.contains("taskCoefficients") && !old.contains("taskCoefficients"), old);

        CompositeCreated decoded = (CompositeCreated) EventCodec.decode(old).data();

        assertEquals(Map.of(), decoded.taskCoefficients());
        assertEquals(Map.of("s-1", 0.7), decoded.coefficients());
    }

    /** Issue 12 item 5: a verdict carries its work time through the codec, and one written before it decodes without. */
    @Test
    void aVerdictKeepsItsWorkTimeAndOneWrittenBeforeItHasNone() {
        CompositeEvaluated timed = (CompositeEvaluated) examples().get(10);
        String json = EventCodec.encode(EventEnvelope.wrap("eval-service", timed));
        String old = json.replace(",\"work\":{\"mergeMillis\":4200,\"evaluationMillis\":1300}", "");
        assertTrue(json.contains("\"work\":{\"mergeMillis\":4200,\"evaluationMillis\":1300}") && !old.contains("work"), json);

        CompositeEvaluated decoded = (CompositeEvaluated) EventCodec.decode(json).data();
        CompositeEvaluated before = (CompositeEvaluated) EventCodec.decode(old).data();

        assertEquals(new WorkTime(4200, 1300), decoded.work());
        assertEquals(null, before.work());
        assertEquals(timed.metrics(), before.metrics());
        assertEquals(List.of(), EventSchemas.violations(old), old);
    }

    /** Issue 13: events written before ingest passed the privacy figures on still decode, without them. */
    @Test
    void eventsWrittenBeforePrivacyFiguresDecodeWithNone() {
        String validated = EventCodec.encode(EventEnvelope.wrap("adapter-ingest-service", examples().get(1)));
        String created = EventCodec.encode(EventEnvelope.wrap("merge-service", examples().get(3)));
        String oldValidated = validated.replaceAll(",\"privacy\":\\{[^}]*\\}", "");
        String oldCreated = created.replaceAll(",\"privacy\":\\{[^}]*\\}", "");
        assertTrue(validated.contains("\"distanceCiHigh\":0.56") && !oldValidated.contains("\"privacy\"") && !oldCreated.contains("\"privacy\""),
                oldValidated + " " + oldCreated);

        AdapterValidated decoded = (AdapterValidated) EventCodec.decode(oldValidated).data();
        CompositeCreated composite = (CompositeCreated) EventCodec.decode(oldCreated).data();

        assertEquals(null, decoded.report().privacy());
        assertEquals(40, decoded.report().distilledImages());
        assertEquals(new AdapterRef("s-1", "hospital-a", "tops", D2, D1, D1), composite.adapters().get(0));
    }

    @Test
    void examplesCoverEveryEventType() {
        Set<EventType> covered = examples().stream().map(EventType::of).collect(Collectors.toSet());
        assertEquals(EnumSet.allOf(EventType.class), covered);
    }

    @Test
    void envelopeUsesCloudEventsAttributeNames() {
        String json = EventCodec.encode(EventEnvelope.wrap("gateway", examples().get(0)));
        for (String attribute : List.of("\"id\"", "\"type\"", "\"source\"", "\"time\"", "\"subject\"",
                "\"specversion\":\"1.0\"", "\"dataschema\"", "\"data\"")) {
            assertTrue(json.contains(attribute), () -> attribute + " missing in " + json);
        }
        assertTrue(json.matches(".*\"time\":\"\\d{4}-\\d\\d-\\d\\dT.*"), "time is ISO-8601 text: " + json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json at all",
            "[1,2,3]",
            "{\"id\":\"x\",\"type\":\"medforge.nope\",\"source\":\"t\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{}}",
            "{\"type\":\"medforge.submission.status\",\"source\":\"t\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{}}",
            "{\"id\":\"x\",\"type\":\"medforge.submission.status\",\"source\":\"t\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"stage\":\"DANCING\"}}",
            "{\"id\":\"x\",\"type\":\"medforge.model.published\",\"source\":\"t\",\"time\":\"yesterday\",\"data\":{\"branch\":\"main\"}}"
    })
    void malformedMessagesAreInvalidEvents(String json) {
        assertThrows(InvalidEventException.class, () -> EventCodec.decode(json));
    }

    @Test
    void decodingForOneTopicRefusesAnotherTopicsEvent() {
        String json = EventCodec.encode(EventEnvelope.wrap("test", examples().get(6)));

        InvalidEventException e = assertThrows(InvalidEventException.class,
                () -> EventCodec.decode(json, SubmissionStatus.class));
        assertTrue(e.getMessage().contains("expected SubmissionStatus"), e.getMessage());
        assertInstanceOf(ModelPublished.class, EventCodec.decode(json, ModelPublished.class).data());
    }

    @Test
    void eventsCausedByTheSameEventShareTheirIdSoRepeatsCanBeDropped() {
        SubmissionStatus status = (SubmissionStatus) examples().get(7);
        EventEnvelope<SubmissionStatus> first = EventEnvelope.wrapCausedBy("ingest", status, "cause-1");
        EventEnvelope<SubmissionStatus> again = EventEnvelope.wrapCausedBy("ingest", status, "cause-1");
        EventEnvelope<SubmissionStatus> other = EventEnvelope.wrapCausedBy("ingest", status, "cause-2");

        EventEnvelope<SubmissionStatus> otherSubmission = EventEnvelope.wrapCausedBy("ingest",
                new SubmissionStatus("s-2", "hospital-a", "main", Stage.GATED_OUT, "same cause"), "cause-1");

        assertEquals(first.id(), again.id());
        assertNotEquals(first.id(), other.id());
        assertNotEquals(first.id(), otherSubmission.id());
    }

    @Test
    void eachEventTypeHasItsOwnTopicAndSchema() {
        assertEquals(EventType.values().length, Arrays.stream(EventType.values()).map(EventType::topic).distinct().count());
        assertTrue(Arrays.stream(EventType.values()).allMatch(t -> t.dataschema().contains(t.topic())));
    }
}
