package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * Issue 11, DLQ replay: a submission rejected for a fault of ours is reopened by the statuses of its
 * replayed event, with the rejection kept in its history; one rejected for its input stays final.
 * Through the real broker into the real PostgreSQL, read back over REST.
 */
@QuarkusTest
class SubmissionReopeningTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String INTERNAL = "INTERNAL_ERROR medforge.adapter.validated: merge-service failed; incident 42";

    @Test
    void aSubmissionRejectedForAnInternalErrorIsReopenedByTheReplayAndGoesOnToPublished() {
        String id = UUID.randomUUID().toString();
        Instant rejected = Instant.now();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.VALIDATED, null, rejected.minusSeconds(2)));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.REJECTED, INTERNAL, rejected));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.MERGED, "composite c1", rejected.plusSeconds(5)));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.EVALUATED, null, rejected.plusSeconds(6)));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.PUBLISHED, "version 1", rejected.plusSeconds(7)));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("stage", is("PUBLISHED"))
                .body("history.stage", contains("VALIDATED", "REJECTED", "MERGED", "EVALUATED", "PUBLISHED"))
                .body("history[1].detail", is(INTERNAL))
                .body("history[2].detail", is("REOPENED after " + INTERNAL + ". composite c1"))
                .body("history[3].detail", is((String) null)));
    }

    @Test
    void aStatusFromBeforeTheInternalRejectionDoesNotReopenIt() {
        String id = UUID.randomUUID().toString();
        Instant rejected = Instant.now();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.REJECTED, INTERNAL, rejected));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.MERGED, "late", rejected.minusSeconds(3)));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.RECEIVED, "marker", rejected.minusSeconds(4)));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("history.stage", contains("RECEIVED", "MERGED", "REJECTED"))
                .body("stage", is("REJECTED")));
    }

    @Test
    void aSubmissionRejectedForItsInputStaysRejected() {
        String id = UUID.randomUUID().toString();
        Instant rejected = Instant.now();
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.REJECTED, "NORM_BOUND blocks.0.attn.q_proj", rejected));
        TopicProbe.send(Topics.SUBMISSION_STATUS, status(id, Stage.VALIDATED, "replayed", rejected.plusSeconds(5)));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", id).then()
                .statusCode(200)
                .body("history.stage", contains("REJECTED", "VALIDATED"))
                .body("history[1].detail", startsWith("replayed"))
                .body("stage", is("REJECTED")));
    }

    private static EventEnvelope<SubmissionStatus> status(String id, Stage stage, String detail, Instant at) {
        EventEnvelope<SubmissionStatus> event = EventEnvelope.wrap("test", new SubmissionStatus(id, "hospital-b", "main", stage, detail));
        return new EventEnvelope<>(event.id(), event.type(), event.source(), at, event.subject(), event.specversion(),
                event.dataschema(), event.data());
    }
}
