package dev.medforge.registry.service;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sweeper on the real PostgreSQL and broker, with a short limit. The database is shared with
 * whatever else runs, so the limit stays well above any test's stage and the stalled submission is
 * one whose last status is dated two hours back.
 */
@QuarkusTest
@TestProfile(StallSweeperTest.ShortLimit.class)
class StallSweeperTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    public static class ShortLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("medforge.registry.stall-after", "10m", "medforge.registry.stall-check-interval", "1s");
        }
    }

    @Test
    void aSubmissionWithNoNewStatusForTheLimitEndsRejectedAsStalledAndItsSubmitterIsTold() {
        String stuck = UUID.randomUUID().toString();
        String moving = UUID.randomUUID().toString();
        String published = UUID.randomUUID().toString();
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.SUBMISSION_STATUS, at(twoHoursAgo, status(stuck, Stage.MERGED)));
            TopicProbe.send(Topics.SUBMISSION_STATUS, at(Instant.now(), status(moving, Stage.VALIDATED)));
            TopicProbe.send(Topics.SUBMISSION_STATUS, at(twoHoursAgo, status(published, Stage.PUBLISHED)));

            EventEnvelope<SubmissionStatus> told = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(stuck) && s.stage() == Stage.REJECTED, WAIT);
            assertEquals("registry-service", told.source());
            assertTrue(told.data().detail().startsWith("STALLED MERGED: no new status since "), told.data().detail());
            assertTrue(told.data().detail().endsWith("(limit PT10M)"), told.data().detail());
        }
        asGateway().get("/internal/submissions/{id}", stuck).then()
                .statusCode(200)
                .body("stage", is("REJECTED"))
                .body("history.stage", contains("MERGED", "REJECTED"))
                .body("history[1].detail", startsWith("STALLED MERGED"));
        // Several rounds later, neither a recent nor a finished submission has been touched.
        await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).untilAsserted(() -> {
            asGateway().get("/internal/submissions/{id}", moving).then().body("history.stage", contains("VALIDATED"));
            asGateway().get("/internal/submissions/{id}", published).then().body("history.stage", contains("PUBLISHED"));
        });
    }

    @Test
    void theRejectionIsRecordedOnceThoughTheRegistryAlsoReadsItBackFromTheTopic() {
        String stuck = UUID.randomUUID().toString();
        TopicProbe.send(Topics.SUBMISSION_STATUS, at(Instant.now().minus(Duration.ofHours(3)), status(stuck, Stage.RECEIVED)));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", stuck).then()
                .body("stage", is("REJECTED")));
        await().pollDelay(Duration.ofSeconds(5)).atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", stuck)
                .then().body("history.stage", contains("RECEIVED", "REJECTED")));
    }

    private static SubmissionStatus status(String id, Stage stage) {
        return new SubmissionStatus(id, "hospital-c", "main", stage, "test");
    }

    private static EventEnvelope<SubmissionStatus> at(Instant time, SubmissionStatus status) {
        EventEnvelope<SubmissionStatus> now = EventEnvelope.wrap("test", status);
        return new EventEnvelope<>(now.id(), now.type(), now.source(), time, now.subject(), now.specversion(), now.dataschema(),
                now.data());
    }
}
