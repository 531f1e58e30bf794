package dev.medforge.registry.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.ServiceIdentity;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.adapter;
import static dev.medforge.registry.RegistryFixtures.artifact;
import static dev.medforge.registry.RegistryFixtures.as;
import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.onBehalfOf;
import static dev.medforge.registry.RegistryFixtures.newBranch;
import static dev.medforge.registry.RegistryFixtures.publish;
import static dev.medforge.registry.RegistryFixtures.registerTask;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 14, withdraw: {@code git revert} of a published contribution. */
@QuarkusTest
class WithdrawalResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final GateDecision PASSED = new GateDecision(true, List.of());

    private final AdapterRef tops = adapter("sub-a-" + UUID.randomUUID(), "hospital-a", "tops");
    private final AdapterRef footwear = adapter("sub-b-" + UUID.randomUUID(), "hospital-b", "footwear");
    private final AdapterRef garments = adapter("sub-c-" + UUID.randomUUID(), "hospital-c", "garments");

    @Test
    void aWithdrawalRebasesTheHeadWithoutTheAdapterAndItsVersionOmitsItNamingWhoAskedAndWhen() {
        String branch = threeVersions();
        try (TopicProbe rebases = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            withdraw(branch, footwear.submissionId(), "hospital-b", "hospital-b").then()
                    .statusCode(202)
                    .body("submissionId", is(footwear.submissionId()))
                    .body("institution", is("hospital-b"))
                    .body("task", is("footwear"))
                    .body("requestedBy", is("hospital-b"))
                    .body("requesterInstitution", is("hospital-b"))
                    .body("state", is("PENDING"))
                    .body("version", nullValue());
            CompositeRebase rebase = rebases.awaitEvent(CompositeRebase.class, r -> r.branch().equals(branch), WAIT).data();
            assertEquals(3, rebase.headVersion());
            assertEquals(List.of(), rebase.adapters());
            assertEquals(List.of(footwear), rebase.withdrawn());
            assertEquals(null, rebase.strategy());
        }

        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, withdrawing(branch, 3, footwear, PASSED));
            ModelPublished version4 = published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT).data();
            assertEquals(4, version4.version());
            assertEquals(List.of(footwear.submissionId()), version4.withdrawn());
            assertEquals(List.of(), version4.submissionIds());
        }
        asGateway().get("/internal/branches/{b}/versions/4", branch).then()
                .statusCode(200)
                .body("adapters.submissionId", contains(tops.submissionId(), garments.submissionId()))
                .body("institutions", contains("hospital-a", "hospital-c"))
                .body("added", empty())
                .body("withdrawn.submissionId", contains(footwear.submissionId()))
                .body("withdrawn[0].institution", is("hospital-b"))
                .body("withdrawn[0].requestedBy", is("hospital-b"))
                .body("withdrawn[0].requestedAt", notNullValue())
                .body("withdrawn[0].state", is("PUBLISHED"))
                .body("withdrawn[0].version", is(4));
        asGateway().get("/internal/branches/{b}/versions/3", branch).then()
                .body("adapters.submissionId", contains(tops.submissionId(), footwear.submissionId(), garments.submissionId()))
                .body("withdrawn", empty());
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", footwear.submissionId()).then()
                .body("stage", is("WITHDRAWN"))
                .body("history[-1].stage", is("WITHDRAWN"))
                .body("history[-1].detail", containsString("at the request of hospital-b")));

        asGateway().get("/internal/submissions/{id}", footwear.submissionId()).then()
                .body("withdrawals.state", contains("PUBLISHED"))
                .body("withdrawals[0].version", is(4))
                .body("withdrawals[0].requestedBy", is("hospital-b"));

        withdraw(branch, footwear.submissionId(), "hospital-b", "hospital-b").then()
                .statusCode(409).contentType("application/problem+json")
                .body("errors[0].code", is("ALREADY_WITHDRAWN"))
                .body("errors[0].field", is("submission"))
                .body("detail", containsString("in version 4"));
    }

    @Test
    void earlierVersionsHoldingAWithdrawnContributionAreSupersededAndAnOperatorCanTakeTheirDownloadAway() {
        String branch = threeVersions();
        withdraw(branch, footwear.submissionId(), "hospital-b", "hospital-b").then().statusCode(202);
        awaitPublished(branch, withdrawing(branch, 3, footwear, PASSED));

        asGateway().get("/internal/branches/{b}/versions", branch).then()
                .statusCode(200)
                .body("version", contains(1, 2, 3, 4))
                .body("[0].supersededBy", empty())
                .body("[1].supersededBy.version", contains(4))
                .body("[1].supersededBy[0].submissionId", is(footwear.submissionId()))
                .body("[1].supersededBy[0].institution", is("hospital-b"))
                .body("[1].supersededBy[0].at", notNullValue())
                .body("[2].supersededBy.version", contains(4))
                .body("[3].supersededBy", empty())
                .body("unavailable", everyItem(nullValue()));

        String reason = "hospital-b's ethics board withdrew consent";
        availability(branch, 2, false, reason).then()
                .statusCode(200)
                .body("version", is(2))
                .body("unavailable.by", is("op"))
                .body("unavailable.reason", is(reason))
                .body("unavailable.at", notNullValue());
        asGateway().get("/internal/branches/{b}/versions/2", branch).then()
                .statusCode(200)
                .body("supersededBy.version", contains(4))
                .body("unavailable.reason", is(reason));

        availability(branch, 4, false, "no reason to keep it").then()
                .statusCode(409).contentType("application/problem+json")
                .body("errors[0].code", is("HEAD_VERSION"))
                .body("errors[0].field", is("version"));
        availability(branch, 3, false, " ").then()
                .statusCode(400)
                .body("errors[0].code", is("REQUIRED"))
                .body("errors[0].field", is("reason"));
        // @Size(max) says which bound was broken: too long, not "too few".
        availability(branch, 3, false, "x".repeat(501)).then()
                .statusCode(400)
                .body("errors[0].code", is("TOO_LONG"))
                .body("errors[0].field", is("reason"));
        availability(branch, 9, false, reason).then().statusCode(404);

        availability(branch, 2, true, null).then().statusCode(200).body("unavailable", nullValue());
        asGateway().get("/internal/branches/{b}/versions/2", branch).then().body("unavailable", nullValue());
    }

    @Test
    void aWithdrawalWhoseCompositeFailsTheGateIsShownWithTheSubmissionWhichStaysInTheHead() {
        String branch = threeVersions();
        withdraw(branch, footwear.submissionId(), "hospital-b", "hospital-b").then().statusCode(202);
        String reason = "garments: accuracy fell 9.0 points, more than the 2.0 allowed";
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, withdrawing(branch, 3, footwear, new GateDecision(false, List.of(reason))));

        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", footwear.submissionId()).then()
                .body("withdrawals.state", contains("GATED_OUT"))
                .body("withdrawals[0].gateReasons", containsString(reason))
                .body("stage", is("PUBLISHED")));
        asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(3));
        withdraw(branch, footwear.submissionId(), "hospital-b", "hospital-b").then().statusCode(202).body("state", is("PENDING"));
    }

    /** The withdrawal's composite was built on version 3, but another composite became version 4 first: it is merged again, still without the adapter. */
    @Test
    void aWithdrawalWhoseCompositeFindsTheHeadMovedIsRebasedStillWithdrawing() {
        String branch = threeVersions();
        withdraw(branch, footwear.submissionId(), "ops", null).then().statusCode(202).body("requesterInstitution", nullValue());
        AdapterRef topsAgain = adapter("sub-a-" + UUID.randomUUID(), "hospital-a", "tops");
        publish(branch, 3, List.of(topsAgain), artifact(4));

        try (TopicProbe rebases = TopicProbe.tail(Topics.COMPOSITE_REBASE)) {
            EventEnvelope<CompositeEvaluated> stale = withdrawing(branch, 3, footwear, PASSED);
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, stale);
            CompositeRebase rebase = rebases.awaitEvent(CompositeRebase.class,
                    r -> r.staleCompositeId().equals(stale.data().compositeId()), WAIT).data();
            assertEquals(4, rebase.headVersion());
            assertEquals(List.of(footwear), rebase.withdrawn());
        }
        withdraw(branch, footwear.submissionId(), "ops", null).then()
                .statusCode(409)
                .body("errors[0].code", is("WITHDRAWAL_PENDING"));
    }

    /**
     * footwear was submitted to the source, whose head still holds it once a fork drops it: the fork's
     * card tells of the withdrawal, the source may still withdraw it, and only that withdrawal, from
     * footwear's own branch, ends its history WITHDRAWN.
     */
    @Test
    void onlyAWithdrawalFromItsOwnBranchEndsASubmissionWithdrawnNotOneFromAFork() {
        String source = threeVersions();
        String fork = "fork-" + UUID.randomUUID().toString().substring(0, 8);
        asGateway().contentType(ContentType.JSON).body(Map.of("id", fork, "fromBranch", source, "fromVersion", 3))
                .post("/internal/branches").then().statusCode(201);
        withdraw(fork, footwear.submissionId(), "hospital-b", "hospital-b").then().statusCode(202).body("branch", is(fork));
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, withdrawing(fork, 1, footwear, PASSED));
            assertEquals(List.of(footwear.submissionId()),
                    published.awaitEvent(ModelPublished.class, p -> p.branch().equals(fork), WAIT).data().withdrawn());
        }
        asGateway().get("/internal/branches/{b}/versions/2", fork).then()
                .body("withdrawn.submissionId", contains(footwear.submissionId()))
                .body("withdrawn[0].state", is("PUBLISHED"));
        withdraw(source, footwear.submissionId(), "hospital-b", "hospital-b").then().statusCode(202).body("state", is("PENDING"));
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, withdrawing(source, 3, footwear, PASSED));
        // Had the fork's withdrawal reached footwear's history, it would show two, or one naming the fork's version 2.
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", footwear.submissionId()).then()
                .body("stage", is("WITHDRAWN"))
                .body("history[-1].detail", containsString("version 4 and later")));
        asGateway().get("/internal/submissions/{id}", footwear.submissionId()).then()
                .body("history.findAll { it.stage == 'WITHDRAWN' }.size()", is(1));
    }

    @Test
    void onlyAContributionInTheHeadCanBeWithdrawnAndEachRefusalNamesItsRule() {
        String branch = newBranch();
        registerTask(branch, "tops", "hospital-a");
        withdraw(branch, "no-such-submission", "hospital-b", "hospital-b").then()
                .statusCode(404).contentType("application/problem+json");
        withdraw("no-such-branch", tops.submissionId(), "hospital-a", "hospital-a").then().statusCode(404);

        publish(branch, 0, List.of(tops), artifact(1));
        awaitSubmission(tops);
        // Issue 9: the registry checks the forwarded user again; another institution's submission is as unknown as none.
        withdraw(branch, tops.submissionId(), "hospital-b", "hospital-b").then()
                .statusCode(404).body("detail", is("no submission '" + tops.submissionId() + "'"));
        withdraw(branch, tops.submissionId(), "hospital-a", "hospital-b").then()
                .statusCode(403)
                .body("errors[0].code", is("ON_BEHALF_OF_MISMATCH"))
                .body("errors[0].field", is("requesterInstitution"));
        withdraw(branch, tops.submissionId(), "hospital-a", "hospital-a").then()
                .statusCode(409)
                .body("errors[0].code", is("LAST_CONTRIBUTION"))
                .body("errors[0].field", is("submission"));

        String waiting = "sub-a-" + UUID.randomUUID();
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test",
                new SubmissionStatus(waiting, "hospital-a", branch, Stage.VALIDATED, "all checks passed")));
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", waiting).then().statusCode(200));
        withdraw(branch, waiting, "hospital-a", "hospital-a").then()
                .statusCode(409)
                .body("errors[0].code", is("NOT_IN_HEAD"))
                .body("detail", containsString("(VALIDATED) is not in version 1"));

        asGateway().contentType(ContentType.JSON).body(Map.of())
                .post("/internal/branches/{b}/submissions/{id}/withdrawal", branch, tops.submissionId()).then()
                .statusCode(400)
                .body("errors[0].field", is("requestedBy"));
        as(ServiceIdentity.MERGE).contentType(ContentType.JSON).body(Map.of("requestedBy", "x"))
                .post("/internal/branches/{b}/submissions/{id}/withdrawal", branch, tops.submissionId()).then()
                .statusCode(403);
    }

    /** hospital-a, then hospital-b, then hospital-c each publish a version. */
    private String threeVersions() {
        String branch = newBranch(Map.of("strategy", "mixture"));
        registerTask(branch, "tops", "hospital-a");
        registerTask(branch, "footwear", "hospital-b");
        registerTask(branch, "garments", "hospital-c");
        publish(branch, 0, List.of(tops), artifact(1));
        publish(branch, 1, List.of(footwear), artifact(2));
        publish(branch, 2, List.of(garments), artifact(3));
        awaitSubmission(footwear);
        return branch;
    }

    private static void awaitSubmission(AdapterRef adapter) {
        await().atMost(WAIT).untilAsserted(() -> asGateway().get("/internal/submissions/{id}", adapter.submissionId()).then()
                .statusCode(200).body("stage", is("PUBLISHED")));
    }

    private static Response withdraw(String branch, String submissionId, String by, String institution) {
        Map<String, Object> body = new HashMap<>();
        body.put("requestedBy", by);
        body.put("requesterInstitution", institution);
        return onBehalfOf(by).contentType(ContentType.JSON).body(body)
                .post("/internal/branches/{b}/submissions/{id}/withdrawal", branch, submissionId);
    }

    /** Plays merge and eval: the head's members less {@code withdrawn}, with the gate's {@code decision}. */
    private static EventEnvelope<CompositeEvaluated> withdrawing(String branch, int parent, AdapterRef withdrawn, GateDecision decision) {
        return EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch, parent, "mixture", artifact(9),
                List.of(), Map.of(), Map.of(), Map.of("tops", new TaskMetrics(0.85, 0.9, 2000)), Map.of(), Map.of(),
                decision, List.of(withdrawn)));
    }

    private static void awaitPublished(String branch, EventEnvelope<CompositeEvaluated> evaluated) {
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            TopicProbe.send(Topics.COMPOSITE_EVALUATED, evaluated);
            published.awaitEvent(ModelPublished.class, p -> p.branch().equals(branch), WAIT);
        }
    }

    /** The operator "op" makes a version available or not, as the gateway relays it. */
    private static Response availability(String branch, int version, boolean available, String reason) {
        Map<String, Object> body = new HashMap<>();
        body.put("available", available);
        body.put("reason", reason);
        body.put("requestedBy", "op");
        return asGateway().contentType(ContentType.JSON).body(body)
                .put("/internal/branches/{b}/versions/{v}/availability", branch, version);
    }
}
