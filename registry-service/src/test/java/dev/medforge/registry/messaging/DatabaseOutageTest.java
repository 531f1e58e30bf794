package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static dev.medforge.registry.RegistryFixtures.evaluated;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, the PostgreSQL drill: the registry's database is stopped for 60 s (the outage)
 * while an evaluated composite and its statuses arrive. Before, the registry dead-lettered them on the first database
 * error and the submission stayed EVALUATED; now its consumers wait the outage out and publish once
 * the database is back, and nothing is dead-lettered. It stops the local Debian cluster that
 * {@code ./medforge up} runs (pg_ctlcluster), and always starts it again.
 */
@QuarkusTest
class DatabaseOutageTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Duration DOWN = Duration.ofSeconds(60);
    /** The target: an outage only delays, and what it caught is published within this of recovery. */
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @Test
    void anEvaluatedCompositeThatArrivesWhilePostgresIsDownIsPublishedOnceItIsBack() throws Exception {
        String branch = branchWithTops();
        String submission = UUID.randomUUID().toString();
        EventEnvelope<CompositeEvaluated> composite = evaluated(branch, 0, true, submission);

        Duration recovery;
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.COMPOSITE_EVALUATED));
             TopicProbe statusDlq = TopicProbe.tail(Topics.deadLetter(Topics.SUBMISSION_STATUS))) {
            Instant back;
            postgres("stop", "-m", "fast");
            try {
                TopicProbe.send(Topics.COMPOSITE_EVALUATED, composite);
                Thread.sleep(DOWN.toMillis());
            } finally {
                postgres("start");
                back = Instant.now();
            }
            ModelPublished v1 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT).data();
            recovery = Duration.between(back, Instant.now());
            System.out.printf("PostgreSQL drill: down %d s; published %d s after it was back%n", DOWN.toSeconds(), recovery.toSeconds());
            assertTrue(recovery.compareTo(RECOVERY) <= 0, "published " + recovery.toSeconds() + " s after the database was back");
            assertEquals(List.of(submission), v1.submissionIds());
            assertTrue(dlq.seen().stream().noneMatch(r -> r.value().contains(composite.data().compositeId())), "not dead-lettered");
            assertTrue(statusDlq.seen().stream().noneMatch(r -> r.value().contains(submission)), "no status dead-lettered");
        }
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", submission).then()
                .statusCode(200)
                .body("stage", is("PUBLISHED")));
        // The line every drill ends with (PipelineTest's reportDrill), printed once all of the above held.
        System.out.printf(Locale.ROOT, "DRILL postgres-outage: submissions=1 published=1 lost=0 stuck=0 recovered_s=%.1f%n",
                recovery.toMillis() / 1000.0);
    }

    /** {@code pg_ctlcluster} on the cluster that serves port 5432, as infra/lib/postgres.sh finds it. */
    private static void postgres(String... action) throws IOException, InterruptedException {
        Process list = new ProcessBuilder("pg_lsclusters", "-h").redirectErrorStream(true).start();
        String[] cluster = new String(list.getInputStream().readAllBytes()).lines()
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 2 && fields[2].equals("5432"))
                .findFirst().orElseThrow(() -> new IllegalStateException("no PostgreSQL cluster on port 5432 (pg_lsclusters)"));
        List<String> command = new java.util.ArrayList<>(List.of("pg_ctlcluster", "--skip-systemctl-redirect", cluster[0], cluster[1]));
        command.addAll(List.of(action));
        Process control = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(control.getInputStream().readAllBytes());
        if (control.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }
}
