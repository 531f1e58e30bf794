package dev.medforge.merge.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.ArtifactStoreConfig;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.events.AdapterValidated;
import dev.medforge.contracts.events.AdapterValidated.ValidationReport;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.PrivacyFigures;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.contracts.testing.MalformedEvents;
import dev.medforge.contracts.testing.RegistryTestResource;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.merge.Lineage;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.store.ArtifactModels;
import dev.medforge.ml.store.PipelineFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validated adapters through the real broker to real composites in the artifact store. */
@QuarkusTest
@QuarkusTestResource(value = RegistryTestResource.class, restrictToAnnotatedClass = true)
class MergeWorkerTest {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final PrivacyFigures PRIVACY = new PrivacyFigures(0.51, 0.56, 0.01, 1.1);

    @Inject
    ArtifactStore store;

    @Inject
    ArtifactModels models;

    @Inject
    MeterRegistry meters;

    @Inject
    ArtifactStoreConfig artifacts;

    @ConfigProperty(name = "quarkus.rest-client.registry.url")
    String registryUrl;

    @Test
    void adaptersOfTwoTasksBecomeCompositesWithBothHeadsAndTheirLineage() throws Exception {
        String branch = branchWithFootwear();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(21));
        AdapterSubmitted footwear = footwear(branch, 22);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(tops)));
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(footwear)));

            // Usually one composite takes both (group commit); a fetch that ends between the two sends makes two.
            Set<String> merged = new HashSet<>();
            List<PrivacyFigures> privacy = new ArrayList<>();
            CompositeCreated last = null;
            while (merged.size() < 2) {
                last = created.awaitEvent(CompositeCreated.class,
                        c -> c.branch().equals(branch) && c.adapters().stream().noneMatch(a -> merged.contains(a.submissionId())), WAIT).data();
                last.adapters().forEach(a -> {
                    merged.add(a.submissionId());
                    privacy.add(a.privacy());
                });
            }
            assertEquals(Set.of(tops.submissionId(), footwear.submissionId()), merged);
            assertEquals(0, last.parentVersion(), "nothing is published in this test, so every composite builds on the base");
            assertEquals("fusion", last.strategy());
            assertTrue(last.artifact().startsWith("sha256:"));
            assertEquals(List.of(PRIVACY, PRIVACY), privacy, "each adapter keeps the privacy figures its report declared, for the model card");

            CompositeIO.Loaded composite = models.composite(last.artifact());
            assertInstanceOf(Composite.Merged.class, composite.composite());
            assertEquals(PipelineFixtures.BASE.reference(), composite.baseReference());
            List<String> members = Lineage.fromJson(composite.lineage()).members().stream().map(AdapterRef::submissionId).toList();
            assertTrue(members.containsAll(last.adapters().stream().map(AdapterRef::submissionId).toList()), members.toString());
            assertTrue(composite.composite().heads().keySet().containsAll(
                    last.adapters().stream().map(AdapterRef::task).toList()), composite.composite().heads().keySet().toString());
            status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(tops.submissionId()) && s.stage() == Stage.MERGED, WAIT);
        }
    }

    @Test
    void aRebaseThatAsksForMixtureBuildsAMixtureOnTheHeadWhateverTheBranchStrategy() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(23));
        AdapterRef ref = ref(tops);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED)) {
            TopicProbe.send(Topics.COMPOSITE_REBASE, EventEnvelope.wrap("test",
                    new CompositeRebase(branch, 0, null, "sha256:" + "0".repeat(64), List.of(ref), "mixture")));

            CompositeCreated mixture = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch), WAIT).data();
            assertEquals("mixture", mixture.strategy());
            assertEquals(List.of(tops.submissionId()), mixture.adapters().stream().map(AdapterRef::submissionId).toList());
            assertInstanceOf(Composite.Mixture.class, models.composite(mixture.artifact()).composite());
        }
    }

    /**
     * A fallback branch fuses its first adapter; once its head is a mixture (fusion failed the gate,
     * and the registry asked for the mixture), the next adapter is merged as a mixture straight away,
     * not fused first to fail the gate again.
     */
    @Test
    void aFallbackBranchFusesUntilItsHeadIsAMixtureAndThenMergesAsAMixture() throws Exception {
        String branch = branchWithFootwear(Map.of("strategy", "fallback"));
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(39));
        AdapterSubmitted footwear = footwear(branch, 40);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(tops)));
            CompositeCreated fused = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch), WAIT).data();
            assertEquals("fusion", fused.strategy(), "a fallback branch with no head yet fuses");

            TopicProbe.send(Topics.COMPOSITE_REBASE, EventEnvelope.wrap("test",
                    new CompositeRebase(branch, 0, null, fused.compositeId(), List.of(ref(tops)), "mixture")));
            CompositeCreated mixture = created.awaitEvent(CompositeCreated.class,
                    c -> c.branch().equals(branch) && c.strategy().equals("mixture"), WAIT).data();
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", passed(mixture)));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 1, WAIT);

            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(footwear)));
            CompositeCreated next = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch) && c.parentVersion() == 1,
                    WAIT).data();
            assertEquals("mixture", next.strategy(), "the head is a mixture, so the next version is one too");
            assertInstanceOf(Composite.Mixture.class, models.composite(next.artifact()).composite());
        }
    }

    /**
     * Issue 12: an adapter that arrives while the branch's composite is being evaluated waits for that
     * verdict, then merges onto the version the composite became. Merged at once, it went onto the
     * head about to be replaced: stale before it was evaluated, and merged a second time.
     */
    @Test
    void anAdapterThatArrivesDuringTheEvaluationOfTheBranchsCompositeIsMergedOntoTheVersionItBecomes() throws Exception {
        String branch = branchWithFootwear();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(41));
        AdapterSubmitted footwear = footwear(branch, 42);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            double decided = verdictWaits("decided");
            CompositeCreated first = inFlightWhileTheNextArrives(tops, footwear, created);
            assertTrue(created.seen().stream().noneMatch(r -> r.value().contains(footwear.submissionId())),
                    "footwear is not merged while version 1's verdict is out");
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", passed(first)));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 1, WAIT);

            CompositeCreated next = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(footwear.submissionId())), WAIT).data();
            assertEquals(1, next.parentVersion(), "merged onto the version its predecessor became, not onto the base");
            assertEquals(first.compositeId(), next.parentCompositeId());
            assertEquals(decided + 1, verdictWaits("decided"), "the merge waited for the verdict, not for its wait to run out");
        }
    }

    /**
     * Issue 12: what arrives on either channel while the branch waits for a verdict joins one merge: a
     * new adapter and a stale adapter's rebase become one composite on the version the verdict made.
     */
    @Test
    void aNewAdapterAndARebaseThatArriveDuringAVerdictShareOneMergeOntoTheNewVersion() throws Exception {
        String branch = branchWithFootwearAndGarments();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(43));
        AdapterSubmitted footwear = footwear(branch, 44);
        AdapterRef garments = ref(garments(branch, 45));

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            CompositeCreated first = inFlightWhileTheNextArrives(tops, footwear, created);
            long rebasesRead = meters.timer(EventSender.QUEUE_WAIT, "topic", Topics.COMPOSITE_REBASE).count();
            TopicProbe.send(Topics.COMPOSITE_REBASE, EventEnvelope.wrap("test", new CompositeRebase(branch, 0, null,
                    "sha256:" + "2".repeat(64), List.of(garments), null, List.of(), CompositeRebase.Reason.STALE)));
            awaitMeter(() -> meters.timer(EventSender.QUEUE_WAIT, "topic", Topics.COMPOSITE_REBASE).count() > rebasesRead,
                    "the rebase was read");
            Thread.sleep(500); // from reading the rebase to queueing it on the branch is a few calls on the same thread

            TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", passed(first)));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 1, WAIT);
            CompositeCreated joined = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(footwear.submissionId())), WAIT).data();
            assertEquals(List.of(footwear.submissionId(), garments.submissionId()),
                    joined.adapters().stream().map(AdapterRef::submissionId).toList(), "one merge took in both channels' requests");
            assertEquals(1, joined.parentVersion());
        }
    }

    /**
     * Merges {@code first} alone, then sends {@code next} and returns once next's merge waits for the
     * verdict on first's composite (or, should it not wait, once it is merged): first's composite.
     */
    private CompositeCreated inFlightWhileTheNextArrives(AdapterSubmitted first, AdapterSubmitted next, TopicProbe created)
            throws InterruptedException {
        TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(first)));
        CompositeCreated composite = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(first.branch()), WAIT).data();
        TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(next)));
        awaitMeter(() -> meters.get("medforge.merge.verdict.waiting").gauge().value() >= 1
                || created.seen().stream().anyMatch(r -> r.value().contains(next.submissionId())), next.task() + "'s merge waits or is done");
        return composite;
    }

    private static void awaitMeter(BooleanSupplier condition, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(deadline), what + " within " + WAIT);
            Thread.sleep(50);
        }
    }

    private double verdictWaits(String outcome) {
        return meters.timer("medforge.merge.verdict.wait", "outcome", outcome).count();
    }

    /**
     * Issue 12, incremental merging: version 2 (tops, footwear) keeps where its fusion stood, and the
     * next merge on it reads that instead of running the first step again. A progress file damaged in
     * the store is detected by its digest and every step runs again: the merge still succeeds.
     */
    @Test
    void theNextMergeResumesFusionFromTheHeadAndADamagedProgressFileIsRecomputed() throws Exception {
        String branch = branchWithFootwearAndGarments();
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(33));
        AdapterSubmitted footwear = footwear(branch, 34);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            CompositeCreated second = mergedOnVersionOne(tops, footwear, created, published);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", passed(second)));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch) && p.version() == 2, WAIT);
            String progress = Lineage.fromJson(models.composite(second.artifact()).lineage()).fusionProgress();
            assertEquals(2, models.fusionProgress(progress).members(), "version 2 keeps where fusion stood after tops and footwear");

            double read = progressCount("read");
            AdapterSubmitted garments = garments(branch, 35);
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(garments)));
            CompositeCreated resumed = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(garments.submissionId())), WAIT).data();
            assertEquals(read + 1, progressCount("read"), "the merge onto version 2 read its progress");
            assertEquals(3, models.fusionProgress(Lineage.fromJson(models.composite(resumed.artifact()).lineage()).fusionProgress()).members());

            Path file = Path.of(artifacts.root()).resolve("sha256").resolve(progress.substring(7, 9)).resolve(progress.substring(7));
            Files.write(file, "damaged".getBytes(StandardCharsets.UTF_8));
            double unusable = progressCount("unusable");
            AdapterSubmitted again = garments(branch, 36);
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(again)));
            CompositeCreated recomputed = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(again.submissionId())), WAIT).data();
            assertEquals(unusable + 1, progressCount("unusable"), "the damaged file was refused, not trusted");
            assertEquals(List.of(tops.submissionId(), footwear.submissionId(), again.submissionId()),
                    Lineage.fromJson(models.composite(recomputed.artifact()).lineage()).members().stream().map(AdapterRef::submissionId).toList());

            // Progress is a cache entry: once unused past the cut-off (here: everything) it goes, the composite stays.
            ArtifactDigest last = ArtifactDigest.parse(Lineage.fromJson(models.composite(recomputed.artifact()).lineage()).fusionProgress());
            assertTrue(store.contains(last));
            assertTrue(store.collectRefs(Instant.now().plusSeconds(60)).collected() >= 1);
            assertFalse(store.contains(last), "the progress of the last merge was collected");
            assertTrue(store.contains(ArtifactDigest.parse(recomputed.artifact())), "composites are never collected");
        }
    }

    /**
     * Issue 12, incremental mixtures: on a mixture branch, version 2 adds footwear, whose classes tops
     * does not name. Its merge keeps version 1's tops row and searches footwear's row only: eleven
     * points in the trace (the own member and ten towards the optimum), not eleven per task.
     */
    @Test
    void aMixtureOnTheHeadSearchesOnlyTheRowsItsNewMemberMayJoin() throws Exception {
        String branch = branchWithFootwear(Map.of("strategy", "mixture"));
        AdapterSubmitted tops = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(37));
        AdapterSubmitted footwear = footwear(branch, 38);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            CompositeCreated second = mergedOnVersionOne(tops, footwear, created, published);

            assertEquals("mixture", second.strategy());
            assertEquals(11, second.searchTrace().size(), "only footwear's row was searched");
            Composite.Mixture mixture = (Composite.Mixture) models.composite(second.artifact()).composite();
            assertArrayEquals(new double[] {1, 0}, mixture.weights().get("tops"), "tops keeps version 1's row, widened");
            assertArrayEquals(new double[] {0, 1}, mixture.weights().get("footwear"));
        }
    }

    private double progressCount(String result) {
        return meters.counter("medforge.merge.fusion.progress", "result", result).count();
    }

    private AdapterSubmitted garments(String branch, long seed) {
        return asInstitution("hospital-c", PipelineFixtures.submission(store, branch,
                TestAdapters.random(PipelineFixtures.BASE, "garments", 3, 8, 8f, seed)));
    }

    /**
     * Issue 12, rebases that converge: two adapters whose composites went stale come back in one poll
     * and share one composite on the head, while a half of a group the gate refused, in the same
     * poll, is merged alone: joining it to others could rebuild the group that failed.
     */
    @Test
    void staleRebasesInOnePollShareOneCompositeAndASplitHalfIsMergedAlone() throws Exception {
        String branch = branchWithFootwear();
        AdapterRef tops = ref(PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(30)));
        AdapterRef footwear = ref(footwear(branch, 31));
        AdapterRef half = ref(PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(32)));
        String stale = "sha256:" + "1".repeat(64);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED)) {
            TopicProbe.sendTogether(Topics.COMPOSITE_REBASE, List.of(
                    EventEnvelope.wrap("test", new CompositeRebase(branch, 0, null, stale, List.of(tops), null, List.of(),
                            CompositeRebase.Reason.STALE)),
                    EventEnvelope.wrap("test", new CompositeRebase(branch, 0, null, stale, List.of(half), null, List.of(),
                            CompositeRebase.Reason.SPLIT)),
                    EventEnvelope.wrap("test", new CompositeRebase(branch, 0, null, stale, List.of(footwear), null, List.of(),
                            CompositeRebase.Reason.STALE))));

            CompositeCreated joined = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(tops.submissionId())), WAIT).data();
            assertEquals(List.of(tops.submissionId(), footwear.submissionId()),
                    joined.adapters().stream().map(AdapterRef::submissionId).toList());
            CompositeCreated alone = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(half.submissionId())), WAIT).data();
            assertEquals(List.of(half.submissionId()), alone.adapters().stream().map(AdapterRef::submissionId).toList());
        }
    }

    /**
     * Issue 9, defence in depth behind ingest: hospital-a's "tops" is the head's, so hospital-b's
     * "tops" adapter would replace hospital-a's head. It is left out and rejected; hospital-b's own
     * task, validated with it, merges onto version 1 as usual.
     */
    @Test
    void anAdapterInATaskAnotherInstitutionHoldsInTheHeadIsRejectedAndTheRestOfTheBatchMerges() throws Exception {
        String branch = branchWithFootwear();
        AdapterSubmitted owners = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(24));
        AdapterSubmitted intruder = asInstitution("hospital-b", PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(25)));
        AdapterSubmitted footwear = footwear(branch, 26);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            publishAsVersionOne(owners, created, published);

            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(intruder)));
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(footwear)));

            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(intruder.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertEquals("TASK_NOT_OWNED task", rejected.detail());
            CompositeCreated next = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(branch)
                    && c.adapters().stream().anyMatch(a -> a.submissionId().equals(footwear.submissionId())), WAIT).data();
            assertEquals(1, next.parentVersion());
            assertEquals(List.of(footwear.submissionId()), next.adapters().stream().map(AdapterRef::submissionId).toList());
            assertEquals(List.of(owners.submissionId(), footwear.submissionId()),
                    Lineage.fromJson(models.composite(next.artifact()).lineage()).members().stream().map(AdapterRef::submissionId).toList());
            assertTrue(created.seen().stream().noneMatch(r -> r.value().contains(intruder.submissionId())),
                    "no composite contains hospital-b's tops adapter");
        }
    }

    /**
     * Issue 9: what a worker gives up on is dead-lettered and its submission ends REJECTED, a poison
     * message as malformed input and an adapter whose files are gone as an internal error.
     */
    @Test
    void aPoisonMessageAndAnUnmergeableAdapterAreDeadLetteredAndTheirSubmissionsEndRejected() {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted submitted = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(27));
        AdapterSubmitted gone = new AdapterSubmitted(UUID.randomUUID().toString(), submitted.institution(), branch, submitted.task(),
                new SubmittedArtifacts(submitted.artifacts().adapterConfig(), "sha256:" + "0".repeat(64),
                        submitted.artifacts().distilled(), submitted.artifacts().privacyReport()), Map.of());
        String poisonId = UUID.randomUUID().toString();
        String poison = MalformedEvents.naming(Topics.ADAPTER_VALIDATED, poisonId, "hospital-a", branch, Map.of("report", List.of(1, 2)));

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_VALIDATED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.ADAPTER_VALIDATED, branch, poison);
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(gone)));

            ConsumerRecord<String, String> poisonLetter = dlq.await(r -> r.value().equals(poison), WAIT);
            ConsumerRecord<String, String> goneLetter = dlq.await(r -> r.value().contains(gone.submissionId()), WAIT);
            // docs/events.md: every DLQ record says why, the worker's own as well as the connector's.
            assertTrue(header(poisonLetter, DeadLetters.REASON_HEADER).startsWith("data does not fit AdapterValidated"),
                    header(poisonLetter, DeadLetters.REASON_HEADER));
            assertTrue(header(goneLetter, DeadLetters.REASON_HEADER).contains("cannot read adapter"), header(goneLetter, DeadLetters.REASON_HEADER));
            assertEquals(Topics.ADAPTER_VALIDATED, header(goneLetter, DeadLetters.TOPIC_HEADER));
            assertEquals(branch, goneLetter.key());
            SubmissionStatus malformed = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(poisonId), WAIT).data();
            assertEquals(Stage.REJECTED, malformed.stage());
            assertTrue(malformed.detail().startsWith("MALFORMED_INPUT medforge.adapter.validated: data does not fit AdapterValidated"),
                    malformed.detail());
            SubmissionStatus failed = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(gone.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, failed.stage());
            assertTrue(failed.detail().startsWith("INTERNAL_ERROR medforge.adapter.validated: merge-service failed; incident "),
                    failed.detail());
        }
    }

    /**
     * Issue 11: a contribution is merged once. The head holds hospital-a's adapter; the same bytes
     * come again under a new submission id (another manifest, a resubmission): the repeat ends
     * REJECTED with rule DUPLICATE naming the submission it repeats, and no composite takes it.
     * Repeats within one batch: CompositeBuilderTest.
     */
    @Test
    void anAdapterWhoseBytesAreInTheLineageIsRejectedAsADuplicateAndNeverMergedAgain() throws Exception {
        String branch = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted original = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(28));
        AdapterSubmitted again = withId(UUID.randomUUID().toString(), original);

        try (TopicProbe created = TopicProbe.tail(Topics.COMPOSITE_CREATED);
             TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            publishAsVersionOne(original, created, published);

            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(again)));
            SubmissionStatus repeat = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(again.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, repeat.stage());
            assertEquals("DUPLICATE adapter_model " + original.artifacts().adapterModel() + " is the same adapter as submission "
                    + original.submissionId() + ", already in version 1", repeat.detail());

            assertTrue(created.seen().stream().noneMatch(r -> r.value().contains(again.submissionId())),
                    "no composite contains the repeat");
        }
    }

    /** A 404 from the registry will not change by waiting: dead-lettered at once, not after the retry budget. */
    @Test
    void anAdapterForABranchTheRegistryDoesNotKnowIsDeadLetteredWithoutWaitingOutTheRetryBudget() {
        String known = PipelineFixtures.newBranch(store, registryUrl);
        AdapterSubmitted lost = withBranch("no-such-branch-" + UUID.randomUUID().toString().substring(0, 8),
                PipelineFixtures.submission(store, known, PipelineFixtures.adapter(29)));
        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.ADAPTER_VALIDATED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            long start = System.nanoTime();
            TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(lost)));
            dlq.await(r -> r.value().contains(lost.submissionId()), WAIT);
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(lost.submissionId()), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(Duration.ofSeconds(60)) < 0, "a permanent failure is not retried: " + took);
        }
    }

    /** Merges {@code submitted} alone on a fresh branch and plays eval's passing verdict, so the registry makes it version 1. */
    private static void publishAsVersionOne(AdapterSubmitted submitted, TopicProbe created, TopicProbe published) {
        TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(submitted)));
        CompositeCreated first = created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(submitted.branch()), WAIT).data();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", passed(first)));
        published.awaitEvent(ModelPublished.class, p -> p.branch().equals(submitted.branch()) && p.version() == 1, WAIT);
    }

    /** Publishes {@code first} as version 1, then merges {@code next} onto it: the composite that would be version 2. */
    private static CompositeCreated mergedOnVersionOne(AdapterSubmitted first, AdapterSubmitted next, TopicProbe created,
                                                       TopicProbe published) {
        publishAsVersionOne(first, created, published);
        TopicProbe.send(Topics.ADAPTER_VALIDATED, EventEnvelope.wrap("test", validated(next)));
        return created.awaitEvent(CompositeCreated.class, c -> c.branch().equals(first.branch()) && c.parentVersion() == 1, WAIT).data();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static AdapterSubmitted withId(String id, AdapterSubmitted submitted) {
        return new AdapterSubmitted(id, submitted.institution(), submitted.branch(), submitted.task(), submitted.artifacts(),
                Map.of("description", "sent again"));
    }

    private static AdapterSubmitted withBranch(String branch, AdapterSubmitted submitted) {
        return new AdapterSubmitted(submitted.submissionId(), submitted.institution(), branch, submitted.task(), submitted.artifacts(),
                submitted.manifest());
    }

    /** A branch with hospital-a's task "tops" and hospital-b's "footwear". */
    private String branchWithFootwear() {
        return branchWithFootwear(Map.of());
    }

    /** The same, and hospital-c's task "garments". */
    private String branchWithFootwearAndGarments() {
        String branch = branchWithFootwear();
        PipelineFixtures.registerTask(registryUrl, branch, "garments", "hospital-c", 3, PipelineFixtures.storeLabeledImages(store, 3, 5, 10));
        return branch;
    }

    /** The same, with these policy fields. */
    private String branchWithFootwear(Map<String, Object> policy) {
        String branch = PipelineFixtures.newBranch(store, registryUrl, policy);
        PipelineFixtures.registerTask(registryUrl, branch, "footwear", "hospital-b", 3,
                PipelineFixtures.storeLabeledImages(store, 3, 5, 9));
        return branch;
    }

    private AdapterSubmitted footwear(String branch, long seed) {
        return asInstitution("hospital-b", PipelineFixtures.submission(store, branch,
                TestAdapters.random(PipelineFixtures.BASE, "footwear", 3, 8, 8f, seed)));
    }

    private static AdapterSubmitted asInstitution(String institution, AdapterSubmitted submitted) {
        return new AdapterSubmitted(submitted.submissionId(), institution, submitted.branch(), submitted.task(),
                submitted.artifacts(), submitted.manifest());
    }

    /** What eval would say of {@code composite} with the gate passed: the registry publishes it as the next version. */
    private static CompositeEvaluated passed(CompositeCreated composite) {
        Map<String, TaskMetrics> metrics = composite.adapters().stream()
                .collect(Collectors.toMap(AdapterRef::task, a -> new TaskMetrics(0.9, 0.95, 100)));
        return new CompositeEvaluated(composite.compositeId(), composite.branch(), composite.parentVersion(), composite.strategy(),
                composite.artifact(), composite.adapters(), composite.coefficients(), metrics, Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()));
    }

    private static AdapterRef ref(AdapterSubmitted submitted) {
        return new AdapterRef(submitted.submissionId(), submitted.institution(), submitted.task(), submitted.artifacts().adapterModel(),
                submitted.artifacts().adapterConfig(), submitted.artifacts().distilled());
    }

    private static AdapterValidated validated(AdapterSubmitted submitted) {
        return new AdapterValidated(submitted.submissionId(), submitted.institution(), submitted.branch(), submitted.task(),
                submitted.artifacts(), new ValidationReport(8, List.of("q_proj", "v_proj"), 1.0, 40, List.of(), PRIVACY));
    }
}
