package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static dev.medforge.registry.RegistryFixtures.evaluated;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 12, a lone submission's latency: a decision's events leave as soon as its transaction
 * commits, not at the outbox's next scheduled round. Here the scheduled rounds are an hour apart,
 * so nothing else could send them within the wait.
 */
@QuarkusTest
@TestProfile(DecisionRelayTest.HourlyRounds.class)
class DecisionRelayTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    public static class HourlyRounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("medforge.registry.outbox-interval", "1h");
        }
    }

    @Test
    void aPublishedVersionAndAFallbacksRebaseLeaveWithTheirDecisions() throws InterruptedException {
        // The relay's first scheduled round runs 2 s after start; only rows written after it prove anything.
        Thread.sleep(Duration.ofSeconds(3).toMillis());
        String branch = branchWithTops(Map.of("strategy", "fallback"));
        String submission = UUID.randomUUID().toString();
        String next = UUID.randomUUID().toString();

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, submission));
            assertEquals(1, published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT).data().version());
            status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(submission) && s.stage() == Stage.PUBLISHED, WAIT);

            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "fusion", 1, false, next));
            CompositeRebase fallback = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            assertEquals("mixture", fallback.strategy());
        }
    }
}
