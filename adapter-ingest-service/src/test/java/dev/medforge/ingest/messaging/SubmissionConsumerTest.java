package dev.medforge.ingest.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRejected;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Against the real broker started by {@code ./medforge test}: events in, events out. */
@QuarkusTest
class SubmissionConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    ArtifactStore store;

    @Test
    void aSubmissionWhosePartsAreStoredIsReceived() throws Exception {
        String part = store.put(("adapter " + UUID.randomUUID()).getBytes()).toString();
        AdapterSubmitted submission = submission(new SubmittedArtifacts(part, part, part, part));

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", submission));

            EventEnvelope<SubmissionStatus> received = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission.submissionId()), WAIT);
            assertEquals(Stage.RECEIVED, received.data().stage());
            assertEquals("hospital-a", received.data().institution());
            assertEquals("adapter-ingest-service", received.source());
        }
    }

    @Test
    void aSubmissionWithAMissingPartIsRejectedNamingThePart() throws Exception {
        String part = store.put(("adapter " + UUID.randomUUID()).getBytes()).toString();
        String absent = "sha256:" + "e".repeat(64);
        AdapterSubmitted submission = submission(new SubmittedArtifacts(part, absent, part, part));

        try (TopicProbe rejected = TopicProbe.tail(Topics.ADAPTER_REJECTED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", submission));

            AdapterRejected rejection = rejected.awaitEvent(AdapterRejected.class,
                    r -> r.submissionId().equals(submission.submissionId()), WAIT).data();
            assertEquals(1, rejection.reasons().size());
            assertEquals("ARTIFACT_MISSING", rejection.reasons().get(0).code());
            assertEquals("artifacts.adapterModel", rejection.reasons().get(0).field());
            SubmissionStatus stage = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, stage.stage());
            assertTrue(stage.detail().contains("ARTIFACT_MISSING artifacts.adapterModel"), stage.detail());
        }
    }

    @Test
    void aMalformedMessageGoesToTheDeadLetterTopicAndTheNextSubmissionIsStillHandled() throws Exception {
        String part = store.put(("adapter " + UUID.randomUUID()).getBytes()).toString();
        AdapterSubmitted next = submission(new SubmittedArtifacts(part, part, part, part));
        String poison = "{\"this is\": \"not an event " + UUID.randomUUID() + "\"}";

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_SUBMITTED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, "main", poison);
            TopicProbe.send(Topics.ADAPTER_SUBMITTED, EventEnvelope.wrap("test", next));

            ConsumerRecord<String, String> dead = dlq.await(r -> r.value().equals(poison), WAIT);
            String reason = new String(dead.headers().lastHeader("dead-letter-reason").value());
            assertTrue(reason.contains("unknown event type"), reason);
            status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(next.submissionId()), WAIT);
        }
    }

    private static AdapterSubmitted submission(SubmittedArtifacts artifacts) {
        return new AdapterSubmitted(UUID.randomUUID().toString(), "hospital-a", "main", "tops", artifacts,
                Map.of("description", "integration test"));
    }
}
