package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.registry.PublishDecision;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.medforge.registry.RegistryFixtures.adapter;
import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static dev.medforge.registry.RegistryFixtures.evaluated;
import static dev.medforge.registry.RegistryFixtures.registerTask;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11: every stage of the status machine has a final outcome. For each decision the registry
 * can make about an evaluated composite, a scenario leads to it (the switch has no default, so a new
 * decision does not compile until it has one here), plays the merge worker and eval where the
 * decision hands the submissions back to them, and checks that every submission involved ends
 * PUBLISHED, GATED_OUT or REJECTED, and that the registry counted that decision.
 */
@QuarkusTest
class PublishDecisionsEndFinalTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> FINAL = List.of(Stage.PUBLISHED.name(), Stage.GATED_OUT.name(), Stage.REJECTED.name());

    @ParameterizedTest
    @EnumSource(PublishDecision.class)
    void everySubmissionOfEveryDecisionEndsFinal(PublishDecision decision) {
        double before = decisions(decision);
        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS);
             TopicProbe rebase = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            List<String> submissions = switch (decision) {
                case PUBLISHED -> {
                    String branch = branchWithTops();
                    String s = id();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, s));
                    yield List.of(s);
                }
                case GATED_OUT -> {
                    String branch = branchWithTops();
                    String s = id();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, false, s));
                    yield List.of(s);
                }
                case REBASE -> {
                    String branch = branchWithTops();
                    String head = id();
                    String late = id();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, head));
                    awaitStage(status, head, Stage.PUBLISHED);
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, true, late));
                    mergeAgain(rebase, branch, true);
                    yield List.of(head, late);
                }
                case FALLBACK -> {
                    String branch = branchWithTops(Map.of("strategy", "fallback"));
                    String s = id();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "fusion", 0, false, s));
                    mergeAgain(rebase, branch, false);
                    yield List.of(s);
                }
                case SPLIT -> {
                    String branch = branchWithTops();
                    String good = id();
                    String bad = id();
                    String alsoGood = id();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, 0, false, good, bad, alsoGood));
                    mergeUntilSettled(rebase, branch, bad, List.of(good, bad, alsoGood));
                    yield List.of(good, bad, alsoGood);
                }
                case NOT_OWNED -> {
                    String branch = branchWithTops();
                    registerTask(branch, "footwear", "hospital-b");
                    AdapterRef intruder = adapter(id(), "hospital-b", "tops");
                    AdapterRef footwear = adapter(id(), "hospital-b", "footwear");
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "fusion", 0, true, List.of(intruder, footwear)));
                    mergeAgain(rebase, branch, true);
                    yield List.of(intruder.submissionId(), footwear.submissionId());
                }
                case DUPLICATE -> {
                    String branch = branchWithTops();
                    String first = id();
                    String again = id();
                    EventEnvelope<CompositeEvaluated> original = evaluated(branch, 0, true, first);
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, original);
                    awaitStage(status, first, Stage.PUBLISHED);
                    // The same adapter bytes under another submission id: the composite id hashes the bytes.
                    CompositeEvaluated o = original.data();
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated(o.compositeId(),
                            o.branch(), o.parentVersion(), o.strategy(), o.artifact(), List.of(adapter(again, "hospital-a", "tops")),
                            o.coefficients(), o.taskCoefficients(), o.metrics(), o.parentMetrics(), o.standalone(), o.decision())));
                    SubmissionStatus rejected = awaitStage(status, again, Stage.REJECTED);
                    assertEquals("DUPLICATE adapter_model " + o.adapters().get(0).adapterModel()
                            + " is the same adapter as submission " + first + ", already in version 1", rejected.detail());
                    TopicProbe.send(Topics.COMPOSITE_EVALUATED, original);
                    yield List.of(first, again);
                }
            };
            for (String submission : submissions) {
                await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", submission).then()
                        .statusCode(200)
                        .body("stage", is(in(FINAL))));
            }
        }
        await().atMost(WAIT).untilAsserted(() -> assertTrue(decisions(decision) > before,
                "the registry decided " + decision + " at least once in this scenario"));
    }

    /**
     * Plays merge and eval for the rebase the registry asked for: the same adapters, merged again on
     * the head it named, evaluated with {@code passed}.
     */
    private static void mergeAgain(TopicProbe rebase, String branch, boolean passed) {
        CompositeRebase request = rebase.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
        String strategy = request.strategy() == null ? "fusion" : request.strategy();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, strategy, request.headVersion(), passed, request.adapters()));
    }

    /**
     * Plays merge and eval for every rebase of the branch until each of {@code submissions} has a
     * final status: each rebase's adapters merged on the head it named, and the composite passes
     * unless it holds {@code bad}.
     */
    private static void mergeUntilSettled(TopicProbe rebase, String branch, String bad, List<String> submissions) {
        Set<String> answered = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!submissions.stream().allMatch(PublishDecisionsEndFinalTest::isFinal)) {
            assertTrue(System.nanoTime() < deadline, "the split group did not settle within " + WAIT);
            rebase.seen().stream()
                    .map(r -> EventCodec.decode(r.value(), CompositeRebase.class).data())
                    .filter(r -> r.branch().equals(branch) && answered.add(r.adapters() + "@" + r.headVersion()))
                    .forEach(request -> TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated(branch, "fusion", request.headVersion(),
                            request.adapters().stream().noneMatch(a -> a.submissionId().equals(bad)), request.adapters())));
        }
    }

    private static boolean isFinal(String submission) {
        // 404 until the registry has recorded the submission's first status.
        String stage = asGateway().get("/internal/submissions/{id}", submission).then().extract().path("stage");
        return stage != null && FINAL.contains(stage);
    }


    private static SubmissionStatus awaitStage(TopicProbe status, String submission, Stage stage) {
        return status.awaitEvent(SubmissionStatus.class, s -> s.submissionId().equals(submission) && s.stage() == stage, WAIT).data();
    }

    private static double decisions(PublishDecision decision) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher count = Pattern.compile("medforge_registry_decisions_total\\{[^}]*decision=\"" + decision.name().toLowerCase()
                + "\"[^}]*} ([0-9.E+]+)").matcher(metrics);
        return count.find() ? Double.parseDouble(count.group(1)) : 0;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
