package dev.medforge.eval.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.RegistryTestResource;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.store.PipelineFixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real composite file, scored on a registered evaluation suite, through the real broker. */
@QuarkusTest
@QuarkusTestResource(value = RegistryTestResource.class, restrictToAnnotatedClass = true)
class EvaluationConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(120);

    @Inject
    ArtifactStore store;

    @ConfigProperty(name = "quarkus.rest-client.registry.url")
    String registryUrl;

    @Test
    void aFirstCompositeIsScoredOnItsTaskComparedWithItsAdapterAloneAndPasses() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter adapter = PipelineFixtures.adapter(41);
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, adapter);
        String artifact = store.put(CompositeIO.write(new Composite.Merged(adapter.modules(), Map.of("tops", adapter.head()),
                new double[] {1}), PipelineFixtures.BASE.reference(), "{\"members\":[]}")).toString();
        AdapterRef ref = new AdapterRef(submitted.submissionId(), "hospital-a", "tops", submitted.artifacts().adapterModel(),
                submitted.artifacts().adapterConfig(), submitted.artifacts().distilled());
        CompositeCreated created = new CompositeCreated("sha256:" + UUID.randomUUID().toString().replace("-", ""), branch, 0, null,
                List.of(ref), "fusion", Map.of(ref.submissionId(), 1.0), List.of(), artifact, 10);

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", created));

            CompositeEvaluated result = evaluated.awaitEvent(CompositeEvaluated.class,
                    e -> e.compositeId().equals(created.compositeId()), WAIT).data();
            TaskMetrics tops = result.metrics().get("tops");
            assertEquals(Map.of(), result.parentMetrics());
            assertEquals(tops, result.standalone().get("tops"), "a composite of one adapter at weight 1 is that adapter");
            assertEquals(100, tops.n(), "the registered suite has 25 images for each of the 4 classes");
            assertTrue(result.decision().passed(), result.decision().reasons().toString());
            assertEquals(artifact, result.artifact());
            assertEquals(List.of(ref), result.adapters());
            SubmissionStatus stage = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submitted.submissionId()), WAIT).data();
            assertEquals(Stage.EVALUATED, stage.stage());
            assertTrue(stage.detail().startsWith("tops "), stage.detail());
        }
    }

    /** Issue 9: a composite that cannot be scored used to leave its submissions MERGED forever. */
    @Test
    void aCompositeThatCannotBeReadIsDeadLetteredAndItsSubmissionsEndRejectedWithAnIncident() {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(42));
        AdapterRef ref = new AdapterRef(submitted.submissionId(), "hospital-a", "tops", submitted.artifacts().adapterModel(),
                submitted.artifacts().adapterConfig(), submitted.artifacts().distilled());
        String missing = "sha256:" + "0".repeat(64);
        CompositeCreated created = new CompositeCreated("sha256:" + UUID.randomUUID().toString().replace("-", ""), branch, 0, null,
                List.of(ref), "fusion", Map.of(ref.submissionId(), 1.0), List.of(), missing, 10);

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.COMPOSITE_CREATED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", created));

            dlq.await(r -> r.value().contains(created.compositeId()), WAIT);
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submitted.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertTrue(rejected.detail().matches("INTERNAL_ERROR medforge\\.composite\\.created: eval-service failed; incident [0-9a-f-]{36}"),
                    rejected.detail());
        }
    }
}
