package dev.medforge.contracts.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.InvalidEventException;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLettersTest {

    private static final String SUBMITTED_WITH_BAD_ARTIFACTS = """
            {"id": "e-1", "type": "medforge.adapter.submitted", "data":
              {"submissionId": "s-1", "institution": "hospital-a", "branch": "main", "artifacts": "oops"}}""";

    @Test
    void aMessageThatDoesNotDecodeRejectsTheSubmissionItNamesAsMalformedInput() {
        List<EventEnvelope<SubmissionStatus>> rejections = DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED,
                SUBMITTED_WITH_BAD_ARTIFACTS, new InvalidEventException("data does not fit AdapterSubmitted: artifacts"));

        assertEquals(1, rejections.size());
        SubmissionStatus status = rejections.get(0).data();
        assertEquals(new SubmissionStatus("s-1", "hospital-a", "main", Stage.REJECTED,
                "MALFORMED_INPUT medforge.adapter.submitted: data does not fit AdapterSubmitted: artifacts"), status);
        assertEquals("ingest", rejections.get(0).source());
    }

    @Test
    void aHandlerThatThrowsRejectsEveryAdapterOfACompositeWithAnIncidentAndNoInternals() {
        String composite = """
                {"id": "e-2", "data": {"branch": "main", "adapters": [
                  {"submissionId": "s-1", "institution": "hospital-a"},
                  {"submissionId": "s-2", "institution": "hospital-b"},
                  {"submissionId": "s-3"}]}}""";

        List<EventEnvelope<SubmissionStatus>> rejections = DeadLetters.rejections("eval", Topics.COMPOSITE_CREATED, composite,
                new IllegalStateException("/secret/path/composite.safetensors is gone"));

        assertEquals(List.of("s-1", "s-2"), rejections.stream().map(r -> r.data().submissionId()).toList(),
                "an adapter without an institution cannot be reported to anyone");
        for (EventEnvelope<SubmissionStatus> rejection : rejections) {
            assertEquals(Stage.REJECTED, rejection.data().stage());
            String detail = rejection.data().detail();
            assertTrue(detail.matches("INTERNAL_ERROR medforge\\.composite\\.created: eval failed; incident [0-9a-f-]{36}"), detail);
            assertFalse(detail.contains("secret"), detail);
        }
    }

    @Test
    void aRedeliveredFailureRepeatsTheSameStatusIdsSoTheRegistryKeepsOne() {
        InvalidEventException failure = new InvalidEventException("bad");

        assertEquals(DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED, SUBMITTED_WITH_BAD_ARTIFACTS, failure).get(0).id(),
                DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED, SUBMITTED_WITH_BAD_ARTIFACTS, failure).get(0).id());
    }

    @Test
    void aMessageThatNamesNoSubmissionRejectsNothing() {
        InvalidEventException failure = new InvalidEventException("not JSON");

        assertEquals(List.of(), DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED, "not json {", failure));
        assertEquals(List.of(), DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED, "[1, 2]", failure));
        assertEquals(List.of(), DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED,
                "{\"data\": {\"submissionId\": 7, \"institution\": \"hospital-a\", \"branch\": \"main\"}}", failure));
    }

    @Test
    void aLongDecoderMessageIsCutSoAPayloadCannotFloodTheHistory() {
        String detail = DeadLetters.rejections("ingest", Topics.ADAPTER_SUBMITTED, SUBMITTED_WITH_BAD_ARTIFACTS,
                new InvalidEventException("x".repeat(10_000))).get(0).data().detail();

        assertTrue(detail.length() < 400, "length " + detail.length());
    }
}
