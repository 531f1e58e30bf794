package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.registry.RegistryFixtures;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.WorkTime;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.adapter;
import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static dev.medforge.registry.RegistryFixtures.evaluated;
import static dev.medforge.registry.RegistryFixtures.registerTask;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publishing decisions through the real broker and PostgreSQL, observed on the topics and the API. */
@QuarkusTest
class CompositeEvaluatedConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aPassingCompositeOnTheHeadBecomesTheNextVersionAndIsAnnouncedOnce() {
        String branch = branchWithTops();
        String submission = UUID.randomUUID().toString();
        String secondSubmission = UUID.randomUUID().toString();
        EventEnvelope<CompositeEvaluated> first = evaluated(branch, 0, true, submission);

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, first);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, first);

            ModelPublished v1 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT).data();
            assertEquals(1, v1.version());
            assertEquals(first.data().compositeId(), v1.compositeId());
            assertEquals(List.of(submission), v1.submissionIds());
            status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission) && s.stage() == Stage.PUBLISHED, WAIT);

            EventEnvelope<CompositeEvaluated> second = evaluated(branch, 1, true, secondSubmission);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, second);
            ModelPublished v2 = published.awaitEvent(ModelPublished.class,
                    p -> p.branch().equals(branch) && p.version() == 2, WAIT).data();
            assertEquals(second.data().compositeId(), v2.compositeId());
            long announcements = published.seen().stream()
                    .filter(r -> EventCodec.decode(r.value(), ModelPublished.class).data().branch().equals(branch))
                    .count();
            assertEquals(2, announcements, "the redelivered evaluation must not publish or announce again");
        }
        asGateway().get("/internal/branches/{b}/versions", branch).then()
                .statusCode(200)
                .body("version", contains(1, 2));
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(2));
        asGateway().get("/internal/branches/{b}/versions/1", branch).then()
                .statusCode(200)
                .body("adapters[0].submissionId", is(submission))
                .body("institutions", contains("hospital-a"))
                .body("metrics.tops.accuracy", is(0.9f))
                .body("coefficients." + submission, is(0.8f))
                .body("taskCoefficients.tops." + submission, is(0.8f))
                .body("baseModel.digest", is(RegistryFixtures.DIGEST))
                .body("baseModel.architecture.width", is(64))
                .body("tasks.name", contains("tops"))
                .body("tasks[0].classNames", contains("a", "b"));
        asGateway().get("/internal/branches/{b}/versions/2", branch).then()
                .statusCode(200)
                .body("adapters.submissionId", contains(submission, secondSubmission))
                .body("added", contains(secondSubmission));
    }

    /**
     * Issue 12 item 5: a version shows what it cost, the work time its verdict carried, on the list
     * and on its card; one published from a verdict written before eval carried it shows none.
     */
    @Test
    void aVersionShowsTheWorkTimeOfItsMergeAndEvaluationAndNoneWhenItsVerdictCarriedNone() {
        String branch = branchWithTops();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "fusion", 0, true,
                List.of(adapter(UUID.randomUUID().toString(), "hospital-a", "tops")), new WorkTime(4200, 1300)));
        awaitHead(branch, 1);
        String written = EventCodec.encode(evaluated(branch, 1, true, UUID.randomUUID().toString()));
        String writtenBefore = written.replace(",\"work\":null", "");
        assertFalse(writtenBefore.contains("\"work\""), writtenBefore);
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, branch, writtenBefore);
        awaitHead(branch, 2);

        asGateway().get("/internal/branches/{b}/versions", branch).then()
                .statusCode(200)
                .body("version", contains(1, 2))
                .body("[0].work.mergeMillis", is(4200))
                .body("[0].work.evaluationMillis", is(1300))
                .body("[1]", hasKey("work"))
                .body("[1].work", nullValue());
        asGateway().get("/internal/branches/{b}/versions/1", branch).then()
                .statusCode(200)
                .body("work.mergeMillis", is(4200))
                .body("work.evaluationMillis", is(1300));
        asGateway().get("/internal/branches/{b}/versions/2", branch).then()
                .statusCode(200)
                .body("$", hasKey("work"))
                .body("work", nullValue());
    }

    private static void awaitHead(String branch, int version) {
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(version)));
    }

    /**
     * Issue 16: the registry keeps what it made of each composite, published or not, for the console's
     * lineage; a redelivered composite is a DUPLICATE and leaves its first decision as it was.
     */
    @Test
    void eachDecisionIsKeptOnItsCompositeWithTheGatesReasonsAndReadOldestFirst() {
        String branch = branchWithTops();
        EventEnvelope<CompositeEvaluated> published = evaluated(branch, 0, true, UUID.randomUUID().toString());
        EventEnvelope<CompositeEvaluated> stale = evaluated(branch, 0, true, UUID.randomUUID().toString());
        EventEnvelope<CompositeEvaluated> failing = evaluated(branch, 1, false, UUID.randomUUID().toString());
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, published);
        awaitHead(branch, 1);
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, stale);
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, published);
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, failing);

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/branches/{b}/decisions", branch).then()
                .statusCode(200)
                .body("compositeId", contains(published.data().compositeId(), stale.data().compositeId(), failing.data().compositeId()))
                .body("decision", contains("PUBLISHED", "REBASE", "GATED_OUT"))
                .body("parentVersion", contains(0, 0, 1))
                .body("reasons", contains(null, null, "tops lost 3.1 points against version 1"))
                .body("strategy", contains("fusion", "fusion", "fusion"))
                .body("adapters", contains(1, 1, 1))
                .body("tasks", contains(List.of("tops"), List.of("tops"), List.of("tops")))
                .body("decidedAt", everyItem(notNullValue())));
        // One composite's decision, as a merge worker waiting on it asks; none yet for one still being evaluated.
        asGateway().get("/internal/branches/{b}/decisions/{c}", branch, failing.data().compositeId()).then()
                .statusCode(200)
                .body("decision", is("GATED_OUT"))
                .body("reasons", is("tops lost 3.1 points against version 1"));
        String undecided = "sha256:" + "e".repeat(64);
        asGateway().get("/internal/branches/{b}/decisions/{c}", branch, undecided).then()
                .statusCode(404)
                .body("detail", is("no decision on composite '" + undecided + "'"));
        asGateway().get("/internal/branches/{b}/decisions/{c}", branchWithTops(), published.data().compositeId()).then()
                .statusCode(404);
    }

    /** Stale before the gate: a failed verdict against an old parent says nothing about the composite on the head. */
    @ParameterizedTest(name = "gate passed: {0}")
    @ValueSource(booleans = {true, false})
    void aCompositeBuiltOnAStaleParentIsSentBackForARebaseWhateverItsVerdict(boolean passed) {
        String branch = branchWithTops();
        String late = UUID.randomUUID().toString();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, UUID.randomUUID().toString()));
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT);
            EventEnvelope<CompositeEvaluated> stale = evaluated(branch, 0, passed, late);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, stale);

            CompositeRebase request = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            assertEquals(1, request.headVersion());
            assertEquals(stale.data().compositeId(), request.staleCompositeId());
            assertEquals(CompositeRebase.Reason.STALE, request.reason());
            assertTrue(request.mayJoinOthers(), "stale adapters may share the next composite with others that wait");
            assertEquals(List.of(late), request.adapters().stream().map(a -> a.submissionId()).toList());
        }
        asGateway().get("/internal/branches/{b}/versions", branch).then().body("", hasSize(1));
    }

    @Test
    void aCompositeThatFailsTheGateLeavesTheHeadAndGatesOutItsSubmissionsWithTheReason() {
        String branch = branchWithTops();
        String submission = UUID.randomUUID().toString();
        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, false, submission));

            SubmissionStatus gatedOut = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission), WAIT).data();
            assertEquals(Stage.GATED_OUT, gatedOut.stage());
            assertEquals("tops lost 3.1 points against version 0", gatedOut.detail());
        }
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(0));
        asGateway().get("/internal/branches/{b}/versions", branch).then().body("", hasSize(0));
    }

    /**
     * Issue 12: a group shares no verdict. Three adapters that failed the gate together go back in
     * two halves, merged again on the same head with the branch's own strategy; their histories say
     * why. Halves never join other rebases in the merge worker, so the split cannot undo itself.
     */
    @Test
    void aGroupThatFailsTheGateIsSplitInHalvesAndEachGoesBackToBeMergedOnTheHead() {
        String branch = branchWithTops();
        List<String> group = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString(), UUID.randomUUID().toString());
        EventEnvelope<CompositeEvaluated> failed = evaluated(branch, 0, false, group.toArray(String[]::new));
        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, failed);

            CompositeRebase first = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            CompositeRebase second = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch) && !r.equals(first), WAIT).data();
            assertEquals(List.of(group.subList(0, 2), group.subList(2, 3)), List.of(
                    first.adapters().stream().map(AdapterRef::submissionId).toList(),
                    second.adapters().stream().map(AdapterRef::submissionId).toList()));
            for (CompositeRebase half : List.of(first, second)) {
                assertEquals(CompositeRebase.Reason.SPLIT, half.reason());
                assertEquals(0, half.headVersion());
                assertEquals(failed.data().compositeId(), half.staleCompositeId());
                assertNull(half.strategy(), "merged again with the branch's own strategy");
                assertFalse(half.mayJoinOthers(), "a half must not be merged again with the adapters it was split from");
            }
            SubmissionStatus alone = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(group.get(2)), WAIT).data();
            assertEquals(Stage.EVALUATED, alone.stage());
            assertEquals("the fusion composite of 3 adapters failed the gate (tops lost 3.1 points against version 0); the group is split,"
                    + " and this adapter goes back alone to be merged on version 0", alone.detail());
            SubmissionStatus paired = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(group.get(0)), WAIT).data();
            assertTrue(paired.detail().endsWith("goes back with 1 of the others to be merged on version 0"), paired.detail());
        }
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(0));
        asGateway().get("/internal/branches/{b}/decisions", branch).then()
                .body("decision", contains("SPLIT"))
                .body("reasons", contains("tops lost 3.1 points against version 0"))
                .body("adapters", contains(3));
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", group.get(1)).then()
                .statusCode(200)
                .body("stage", is("EVALUATED")));
    }

    /** Issue 9: a composite that cannot be decided used to leave its submissions EVALUATED forever. */
    @Test
    void aCompositeThatCannotBeDecidedIsDeadLetteredAndItsSubmissionsEndRejectedWithAnIncident() {
        String submission = UUID.randomUUID().toString();
        EventEnvelope<CompositeEvaluated> orphan = evaluated("no-such-branch-" + UUID.randomUUID(), 0, true, submission);

        try (TopicProbe dlq = TopicProbe.tail(Topics.deadLetter(Topics.COMPOSITE_EVALUATED));
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, orphan);

            dlq.await(r -> r.value().contains(orphan.data().compositeId()), WAIT);
            SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(submission), WAIT).data();
            assertEquals(Stage.REJECTED, rejected.stage());
            assertTrue(rejected.detail().matches(
                    "INTERNAL_ERROR medforge\\.composite\\.evaluated: registry-service failed; incident [0-9a-f-]{36}"), rejected.detail());
        }
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", submission).then()
                .statusCode(200)
                .body("stage", is("REJECTED")));
    }

    @Test
    void aFallbackBranchTriesMixtureAfterAFailedFusionAndGatesOutOnlyWhenMixtureFailsToo() {
        String branch = branchWithTops(Map.of("strategy", "fallback"));
        String submission = UUID.randomUUID().toString();
        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            EventEnvelope<CompositeEvaluated> fused = evaluated(branch, "fusion", 0, false, submission);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, fused);

            CompositeRebase retry = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            assertEquals("mixture", retry.strategy());
            assertEquals(CompositeRebase.Reason.FALLBACK, retry.reason());
            assertEquals(fused.data().compositeId(), retry.staleCompositeId());
            assertEquals(0, retry.headVersion());
            assertEquals(List.of(submission), retry.adapters().stream().map(a -> a.submissionId()).toList());
            SubmissionStatus evaluatedStatus = status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(submission), WAIT).data();
            assertEquals(Stage.EVALUATED, evaluatedStatus.stage());
            assertEquals("fusion failed the gate (tops lost 3.1 points against version 0); trying mixture", evaluatedStatus.detail());

            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "mixture", 0, false, submission));
            // A failed mixture is final: a second retry would leave the submission EVALUATED, not GATED_OUT.
            status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(submission) && s.stage() == Stage.GATED_OUT, WAIT);
        }
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(0));
        asGateway().get("/internal/branches/{b}/decisions", branch).then()
                .body("strategy", contains("fusion", "mixture"))
                .body("decision", contains("FALLBACK", "GATED_OUT"))
                .body("reasons", contains("tops lost 3.1 points against version 0", "tops lost 3.1 points against version 0"));
    }

    /**
     * Issue 9, defence in depth behind ingest and merge: a passing composite in which hospital-b's
     * adapter heads hospital-a's "tops", or a task nobody registered, is not published. Those
     * submissions are rejected; hospital-b's adapter for its own task goes back to be merged alone.
     */
    @Test
    void aCompositeWithAnAdapterInATaskItsInstitutionDoesNotOwnIsNotPublishedAndTheOthersAreRebased() {
        String branch = branchWithTops();
        registerTask(branch, "footwear", "hospital-b");
        AdapterRef intruder = adapter(UUID.randomUUID().toString(), "hospital-b", "tops");
        AdapterRef unregistered = adapter(UUID.randomUUID().toString(), "hospital-b", "sleeves");
        AdapterRef footwear = adapter(UUID.randomUUID().toString(), "hospital-b", "footwear");
        EventEnvelope<CompositeEvaluated> composite = evaluated(branch, "fusion", 0, true, List.of(intruder, unregistered, footwear));

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, composite);

            for (AdapterRef refused : List.of(intruder, unregistered)) {
                SubmissionStatus rejected = status.awaitEvent(SubmissionStatus.class,
                        s -> s.submissionId().equals(refused.submissionId()), WAIT).data();
                assertEquals(Stage.REJECTED, rejected.stage());
                assertEquals("TASK_NOT_OWNED task", rejected.detail());
            }
            CompositeRebase retry = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            assertEquals(List.of(footwear), retry.adapters());
            assertEquals(composite.data().compositeId(), retry.staleCompositeId());
            assertEquals(0, retry.headVersion());
            assertNull(retry.strategy(), "merged again with the branch's own strategy");
            assertEquals(CompositeRebase.Reason.NOT_OWNED, retry.reason());
            assertEquals(List.of(), published.seen().stream()
                    .filter(r -> EventCodec.decode(r.value(), ModelPublished.class).data().branch().equals(branch)).toList());
        }
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(0));
        asGateway().get("/internal/branches/{b}/versions", branch).then().body("", hasSize(0));
        asGateway().get("/internal/branches/{b}/decisions", branch).then()
                .body("decision", contains("NOT_OWNED"))
                .body("reasons", contains((String) null))
                .body("adapters", contains(3))
                .body("tasks", contains(List.of("footwear", "sleeves", "tops")));
    }

    @Test
    void twoCompositesOnTheSameParentGiveOneVersionAndOneRebase() {
        String branch = branchWithTops();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, UUID.randomUUID().toString()));
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, UUID.randomUUID().toString()));

            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT);
            rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT);
        }
        asGateway().get("/internal/branches/{b}/versions", branch).then().body("version", contains(1));
    }
}
