package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.MalformedEvents;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/** Status events through the real broker into the real PostgreSQL, read back over REST. */
@QuarkusTest
class SubmissionStatusConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void everyStageIsRecordedInOrderAndTheSubmissionEndsInItsLastStage() {
        String id = UUID.randomUUID().toString();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.RECEIVED, "all parts stored"));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.REJECTED, "NORM_BOUND blocks.0.attn.q_proj"));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("institution", is("hospital-b"))
                .body("stage", is("REJECTED"))
                .body("history.stage", contains("RECEIVED", "REJECTED"))
                .body("history[1].detail", is("NORM_BOUND blocks.0.attn.q_proj")));
    }

    @Test
    void aRedeliveredEventIsRecordedOnce() {
        String id = UUID.randomUUID().toString();
        EventEnvelope<SubmissionStatus> once = status(id, Stage.RECEIVED, "first");
        TopicProbe.send(Topics.SUBMISSION_STATUS, once);
        TopicProbe.send(Topics.SUBMISSION_STATUS, once);
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.VALIDATED, "marker"));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("history.stage", contains("RECEIVED", "VALIDATED")));
    }

    @Test
    void aTerminalStageIsNotLeftByALateEvent() {
        String id = UUID.randomUUID().toString();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.PUBLISHED, "version 3"));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.MERGED, "late"));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("history", hasSize(2))
                .body("stage", is("PUBLISHED")));
    }

    @Test
    void aMalformedEventIsDeadLetteredAndConsumptionGoesOn() {
        String poison = "{\"type\": \"medforge.submission.status\", \"id\": \"x\", \"broken\": " + UUID.randomUUID().hashCode() + "}";
        String id = UUID.randomUUID().toString();
        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.SUBMISSION_STATUS))) {
            TopicProbe.send(Topics.SUBMISSION_STATUS, "main", poison);
            TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.RECEIVED, "after the poison"));

            dlq.await(r -> r.value().equals(poison), WAIT);
            await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then().statusCode(200));
        }
    }

    /** Issue 9: the submission a malformed status names gets a final status instead of none. */
    @Test
    void aStatusThatDoesNotDecodeRejectsTheSubmissionItNamesAsMalformedInput() {
        String id = UUID.randomUUID().toString();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.RECEIVED, "all parts stored"));
        String malformed = MalformedEvents.naming(Topics.SUBMISSION_STATUS, id, "hospital-b", "main", Map.of("stage", "HALF_DONE"));
        TopicProbe.send(Topics.SUBMISSION_STATUS, "main", malformed);

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("stage", is("REJECTED"))
                .body("history.stage", contains("RECEIVED", "REJECTED"))
                .body("history[1].detail", startsWith("MALFORMED_INPUT medforge.submission.status: data does not fit SubmissionStatus")));
    }

    @Test
    void anUnknownSubmissionIsAProblem404() {
        asGateway().get("/internal/submissions/{id}", "no-such-submission").then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("title", is("Not Found"))
                .body("detail", is("no submission 'no-such-submission'"));
    }

    private static EventEnvelope<SubmissionStatus> status(String id, Stage stage, String detail) {
        return EventEnvelope.wrap("test", new SubmissionStatus(id, "hospital-b", "main", stage, detail));
    }
}
