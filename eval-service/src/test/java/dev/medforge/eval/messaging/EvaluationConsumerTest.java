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
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.testing.RegistryTestResource;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.eval.service.CacheCollection;
import dev.medforge.eval.service.RegistryWarmUp;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.store.PipelineFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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

    @Inject
    @RestClient
    RegistryClient registry;

    @Inject
    MeterRegistry meters;

    @Inject
    CacheCollection cacheCollection;

    @Inject
    RegistryWarmUp registryWarmUp;

    /** Issue 12: the first evaluation after a start paid 270 ms for the registry client; the service pays it as it starts. */
    @Test
    void theRegistryClientIsWarmedUpAsTheServiceStarts() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!registryWarmUp.warm()) {
            assertTrue(System.nanoTime() < deadline, "the registry did not answer the warm-up");
            Thread.sleep(100);
        }
    }

    @Test
    void aFirstCompositeIsScoredOnItsTaskComparedWithItsAdapterAloneAndPasses() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter adapter = PipelineFixtures.adapter(41);
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, adapter);
        String artifact = compositeOf(adapter);
        AdapterRef ref = ref(submitted);
        CompositeCreated created = created(branch, ref, artifact);

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            double computed = memberOutputs("computed");
            double cached = memberOutputs("cached");
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", created));

            CompositeEvaluated result = evaluated.awaitEvent(CompositeEvaluated.class,
                    e -> e.compositeId().equals(created.compositeId()), WAIT).data();
            TaskMetrics tops = result.metrics().get("tops");
            assertEquals(Map.of(), result.parentMetrics());
            assertEquals(tops, result.standalone().get("tops"), "a composite of one adapter at weight 1 is that adapter");
            assertEquals(computed + 1, memberOutputs("computed"), "one forward pass over the suite: the composite's");
            assertEquals(cached + 1, memberOutputs("cached"), "the adapter alone is the composite's encoder and head, read back");
            assertEquals(100, tops.n(), "the registered suite has 25 images for each of the 4 classes");
            assertTrue(result.decision().passed(), result.decision().reasons().toString());
            assertEquals(artifact, result.artifact());
            assertEquals(List.of(ref), result.adapters());
            assertEquals(created.durationMillis(), result.work().mergeMillis(), "the merge's work time travels on with the verdict");
            assertTrue(result.work().evaluationMillis() > 0, "scoring 100 images and the adapter alone takes time: " + result.work());
            SubmissionStatus stage = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submitted.submissionId()), WAIT).data();
            assertEquals(Stage.EVALUATED, stage.stage());
            assertTrue(stage.detail().startsWith("tops "), stage.detail());
        }
    }

    /**
     * Issue 12: a composite whose parent is no longer the head is not scored. The first composite on
     * version 0 passes and the registry makes it version 1; a second one built on version 0 comes back
     * at once, unscored, with the reason, and without an EVALUATED status, since nothing was scored.
     */
    @Test
    void aCompositeWhoseParentIsNoLongerTheHeadIsSentOnUnscored() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter adapter = PipelineFixtures.adapter(44);
        Adapter late = PipelineFixtures.adapter(45);
        CompositeCreated first = created(branch, ref(PipelineFixtures.submission(store, branch, adapter)), compositeOf(adapter));
        AdapterRef lateRef = ref(PipelineFixtures.submission(store, branch, late));
        CompositeCreated stale = created(branch, lateRef, compositeOf(late));

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", first));
            evaluated.awaitEvent(CompositeEvaluated.class, e -> e.compositeId().equals(first.compositeId()), WAIT);
            awaitHead(branch, 1);

            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", stale));
            CompositeEvaluated result = evaluated.awaitEvent(CompositeEvaluated.class,
                    e -> e.compositeId().equals(stale.compositeId()), WAIT).data();
            assertEquals(Map.of(), result.metrics(), "not scored");
            assertEquals(List.of("not scored: built on version 0, and version 1 is the head"), result.decision().reasons());
            assertEquals(List.of(lateRef), result.adapters(), "the adapters travel on, for the registry's rebase");
            assertEquals(stale.durationMillis(), result.work().mergeMillis(), "an unscored composite's merge still cost its time");
            assertTrue(status.seen().stream().noneMatch(r -> r.value().contains(lateRef.submissionId())),
                    "no EVALUATED status for a composite that was not scored");
        }
    }

    /**
     * Issue 12: an adapter that comes again (a fallback's mixture, a split half, a rebase) is not
     * scored alone again: its own score on its own suite cannot have changed. Nor is a composite file
     * evaluated again (a redelivery after a crash) run again.
     */
    @Test
    void anAdapterEvaluatedAgainKeepsItsOwnScoreWithoutScoringItAloneAgain() throws Exception {
        double[] cached = new double[1];
        List<CompositeEvaluated> twice = evaluatedTwice(46, () -> cached[0] = memberOutputs("cached"));
        assertEquals(twice.get(0).standalone(), twice.get(1).standalone());
        assertEquals(cached[0] + 2, memberOutputs("cached"), "the composite and the adapter alone are both read from the member output cache");
        assertEquals(twice.get(0).metrics(), twice.get(1).metrics());
    }

    /**
     * Issue 12: the member output cache is collected once unused. Here every entry counts as unused
     * (the cut-off is after now), so the adapter alone is scored again on its suite, to the same
     * figures, and the collection says what it removed.
     */
    @Test
    void aCollectedCacheEntryIsComputedAgainToTheSameScores() throws Exception {
        double[] computed = new double[1];
        List<CompositeEvaluated> twice = evaluatedTwice(48, () -> {
            double collectedBefore = meters.counter("medforge.artifacts.cache.collected").count();
            ArtifactStore.RefCollection collection = cacheCollection.collectUnusedSince(Instant.now().plusSeconds(60));
            assertTrue(collection.collected() >= 1 && collection.bytes() > 0, collection.toString());
            assertEquals(collectedBefore + collection.collected(), meters.counter("medforge.artifacts.cache.collected").count());
            computed[0] = memberOutputs("computed");
        });
        assertEquals(computed[0] + 1, memberOutputs("computed"), "the composite is run again, its entry was collected; the adapter alone,"
                + " the same encoder and head, is then read back");
        assertEquals(twice.get(0).standalone(), twice.get(1).standalone());
        assertEquals(twice.get(0).metrics(), twice.get(1).metrics());
    }

    /**
     * A composite of one adapter evaluated as version 1, then, after {@code between}, the same file
     * evaluated again on that head, as a mixture that comes back would be; both verdicts.
     */
    private List<CompositeEvaluated> evaluatedTwice(long adapterSeed, Runnable between) throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter adapter = PipelineFixtures.adapter(adapterSeed);
        AdapterRef ref = ref(PipelineFixtures.submission(store, branch, adapter));
        CompositeCreated first = created(branch, ref, compositeOf(adapter));
        CompositeCreated again = new CompositeCreated("sha256:" + UUID.randomUUID().toString().replace("-", ""), branch, 1, null,
                List.of(ref), "mixture", Map.of(ref.submissionId(), 1.0), List.of(), first.artifact(), 10);

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED)) {
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", first));
            CompositeEvaluated scored = evaluated.awaitEvent(CompositeEvaluated.class, e -> e.compositeId().equals(first.compositeId()),
                    WAIT).data();
            awaitHead(branch, 1);
            between.run();
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", again));
            return List.of(scored, evaluated.awaitEvent(CompositeEvaluated.class, e -> e.compositeId().equals(again.compositeId()),
                    WAIT).data());
        }
    }

    /**
     * Issue 12 item 1: a mixture version is scored with forward passes for its new members only. Version
     * 1 routes tops to A; version 2 adds B for shoes. A's outputs on the tops suite come from the
     * artifact store, so version 2 runs B alone, once, for its row and its own score together. Nor does
     * it ask the registry what this worker knows: version 1's scores are its own verdict on it. The
     * shoes task is registered after version 1, so its suite is asked for all the same.
     */
    @Test
    void aMixtureVersionRunsOnlyItsNewMemberAndReadsTheOthersOutputsFromTheCache() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter tops = PipelineFixtures.adapter(47);
        Adapter shoes = TestAdapters.random(PipelineFixtures.BASE, "shoes", 3, 8, 8f, 49);
        AdapterRef topsRef = ref(PipelineFixtures.submission(store, branch, tops));
        AdapterSubmitted shoesSubmitted = PipelineFixtures.submission(store, branch, shoes);
        AdapterRef shoesRef = new AdapterRef(shoesSubmitted.submissionId(), "hospital-b", "shoes",
                shoesSubmitted.artifacts().adapterModel(), shoesSubmitted.artifacts().adapterConfig(), shoesSubmitted.artifacts().distilled());
        CompositeCreated first = mixtureCreated(branch, 0, null, topsRef, List.of(tops));
        CompositeCreated second = mixtureCreated(branch, 1, first.compositeId(), shoesRef, List.of(tops, shoes));

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED)) {
            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", first));
            CompositeEvaluated v1 = evaluated.awaitEvent(CompositeEvaluated.class, e -> e.compositeId().equals(first.compositeId()),
                    WAIT).data();
            assertTrue(v1.decision().passed(), v1.decision().reasons().toString());
            awaitHead(branch, 1);
            // Registered after the branch's tasks were read for version 1: a task not seen yet is asked for.
            // A suite of its own: entries outlive a test run in the store, and B must be new to it.
            long suiteSeed = ThreadLocalRandom.current().nextLong();
            PipelineFixtures.registerTask(registryUrl, branch, "shoes", "hospital-b", 3,
                    PipelineFixtures.storeLabeledImages(store, 3, 10, suiteSeed));
            double computed = memberOutputs("computed");
            double cached = memberOutputs("cached");
            double images = meters.counter("medforge.eval.images").count();
            double parentsKnown = registryAnswers("parent", "known");

            TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", second));
            CompositeEvaluated v2 = evaluated.awaitEvent(CompositeEvaluated.class, e -> e.compositeId().equals(second.compositeId()),
                    WAIT).data();
            assertEquals(v1.metrics().get("tops"), v2.metrics().get("tops"), "tops is still A alone, read from the cache");
            assertEquals(30, v2.metrics().get("shoes").n());
            assertEquals(v2.metrics().get("shoes"), v2.standalone().get("shoes"), "B's row is B alone: the same outputs");
            assertEquals(computed + 1, memberOutputs("computed"), "one forward pass: B on the shoes suite");
            assertEquals(cached + 2, memberOutputs("cached"), "A on tops, and B alone for its own score");
            assertEquals(images + 30, meters.counter("medforge.eval.images").count(),
                    "the images counted against the forward-pass floor are the ones run: the shoes suite, once");
            assertEquals(parentsKnown + 1, registryAnswers("parent", "known"), "version 1's scores are this worker's verdict on it");
            assertEquals(registry.version(branch, 1).await().indefinitely().metrics(), v2.parentMetrics(),
                    "the verdict's scores are the ones the registry published version 1 with");
        }
    }

    private CompositeCreated mixtureCreated(String branch, int parentVersion, String parentCompositeId, AdapterRef arriving,
                                            List<Adapter> members) throws Exception {
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        members.forEach(m -> heads.put(m.task(), m.head()));
        String artifact = store.put(CompositeIO.write(Composite.Mixture.routed(members, heads), PipelineFixtures.BASE,
                "{\"members\":[]}", Map.of())).toString();
        return new CompositeCreated("sha256:" + UUID.randomUUID().toString().replace("-", ""), branch, parentVersion,
                parentCompositeId, List.of(arriving), "mixture", Map.of(arriving.submissionId(), 1.0), List.of(), artifact, 10);
    }

    private double memberOutputs(String result) {
        return meters.counter("medforge.eval.member.outputs", "result", result).count();
    }

    private double registryAnswers(String answer, String result) {
        return meters.counter("medforge.eval.registry.answers", "answer", answer, "result", result).count();
    }

    private void awaitHead(String branch, int version) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (registry.branch(branch).await().indefinitely().headVersion() != version) {
            assertTrue(System.nanoTime() < deadline, "the registry did not publish version " + version + " of " + branch);
            Thread.sleep(200);
        }
    }

    /**
     * Issue 11: the registry is killed before the composite arrives and is back 10 s later. Eval
     * cannot read the branch meanwhile; it waits instead of dead-lettering, and the verdict comes
     * once the registry answers again.
     */
    @Test
    void aCompositeThatArrivesWhileTheRegistryIsDownIsEvaluatedOnceItIsBack() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        Adapter adapter = PipelineFixtures.adapter(43);
        CompositeCreated created = created(branch, ref(PipelineFixtures.submission(store, branch, adapter)), compositeOf(adapter));

        try (TopicProbe evaluated = TopicProbe.tail(Topics.COMPOSITE_EVALUATED);
             TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.COMPOSITE_CREATED))) {
            RegistryTestResource.running().kill();
            try {
                TopicProbe.send(Topics.COMPOSITE_CREATED, EventEnvelope.wrap("test", created));
                Thread.sleep(10_000);
            } finally {
                RegistryTestResource.running().restart();
            }
            CompositeEvaluated result = evaluated.awaitEvent(CompositeEvaluated.class,
                    e -> e.compositeId().equals(created.compositeId()), WAIT).data();
            assertTrue(result.decision().passed(), result.decision().reasons().toString());
            assertTrue(dlq.seen().stream().noneMatch(r -> r.value().contains(created.compositeId())), "not dead-lettered");
        }
    }

    private String compositeOf(Adapter adapter) throws Exception {
        return store.put(CompositeIO.write(new Composite.Merged(adapter.modules(), Map.of("tops", adapter.head()),
                new double[] {1}), PipelineFixtures.BASE, "{\"members\":[]}", Map.of())).toString();
    }

    private static AdapterRef ref(AdapterSubmitted submitted) {
        return new AdapterRef(submitted.submissionId(), "hospital-a", "tops", submitted.artifacts().adapterModel(),
                submitted.artifacts().adapterConfig(), submitted.artifacts().distilled());
    }

    private static CompositeCreated created(String branch, AdapterRef ref, String artifact) {
        return new CompositeCreated("sha256:" + UUID.randomUUID().toString().replace("-", ""), branch, 0, null,
                List.of(ref), "fusion", Map.of(ref.submissionId(), 1.0), List.of(), artifact, 10);
    }

    /** Issue 9: a composite that cannot be scored used to leave its submissions MERGED forever. */
    @Test
    void aCompositeThatCannotBeReadIsDeadLetteredAndItsSubmissionsEndRejectedWithAnIncident() {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(42));
        CompositeCreated created = created(branch, ref(submitted), "sha256:" + "0".repeat(64));

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
