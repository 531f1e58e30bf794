package dev.medforge.registry;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.events.WorkTime;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.testing.RealmUsers;
import dev.medforge.contracts.testing.ServiceIdentity;
import dev.medforge.contracts.testing.TopicProbe;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

/** Branches and evaluated composites for registry tests; each test works on a branch of its own. */
public final class RegistryFixtures {

    public static final String DIGEST = "sha256:" + "ab".repeat(32);

    private RegistryFixtures() {
    }

    /** A request to the registry as {@code identity}, with its client-credentials token. */
    public static RequestSpecification as(ServiceIdentity identity) {
        return given().auth().oauth2(identity.token());
    }

    /** A request as the gateway, which may make every call: most tests are about what the registry does, not who asks. */
    public static RequestSpecification asGateway() {
        return as(ServiceIdentity.GATEWAY);
    }

    /** A request as the gateway acting for {@code username}, whose own token it forwards. */
    public static RequestSpecification onBehalfOf(String username) {
        return asGateway().header(OnBehalfOf.HEADER, RealmUsers.token(username));
    }

    public static String newBranch() {
        return newBranch(Map.of());
    }

    public static String newBranch(Map<String, Object> policy) {
        return newBranch("b-" + UUID.randomUUID().toString().substring(0, 8), policy);
    }

    public static String newBranch(String branch, Map<String, Object> policy) {
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", branch,
                        "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "{\"width\":64}"),
                        "policy", policy))
                .post("/internal/branches")
                .then().statusCode(201);
        return branch;
    }

    /** A branch on which hospital-a registered "tops", the task of the adapters in {@link #evaluated} composites. */
    public static String branchWithTops(Map<String, Object> policy) {
        String branch = newBranch(policy);
        registerTask(branch, "tops", "hospital-a");
        return branch;
    }

    public static String branchWithTops() {
        return branchWithTops(Map.of());
    }

    /** Registered by the user named like the institution: each of the realm's contributors is its institution's. */
    public static void registerTask(String branch, String task, String institution) {
        onBehalfOf(institution).contentType(ContentType.JSON)
                .body(Map.of("name", task, "institution", institution, "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch)
                .then().statusCode(201);
    }

    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, int parentVersion, boolean passed,
                                                              String... submissionIds) {
        return evaluated(branch, "fusion", parentVersion, passed, submissionIds);
    }

    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, String strategy, int parentVersion, boolean passed,
                                                              String... submissionIds) {
        return evaluated(branch, strategy, parentVersion, passed, java.util.Arrays.stream(submissionIds)
                .map(id -> adapter(id, "hospital-a", "tops"))
                .toList());
    }

    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, String strategy, int parentVersion, boolean passed,
                                                              List<AdapterRef> adapters) {
        return evaluated(branch, strategy, parentVersion, passed, adapters, null);
    }

    /** A verdict that says what its merge and evaluation cost ({@code work}), as eval writes them since issue 12 item 5. */
    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, String strategy, int parentVersion, boolean passed,
                                                              List<AdapterRef> adapters, WorkTime work) {
        return EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch, parentVersion,
                strategy, DIGEST, adapters, Map.of(adapters.get(0).submissionId(), 0.8),
                Map.of("tops", Map.of(adapters.get(0).submissionId(), 0.8)), Map.of("tops", new TaskMetrics(0.9, 0.97, 2000)), Map.of(), Map.of(),
                new GateDecision(passed, passed ? List.of() : List.of("tops lost 3.1 points against version " + parentVersion)), List.of(),
                work));
    }

    public static AdapterRef adapter(String submissionId, String institution, String task) {
        return new AdapterRef(submissionId, institution, task, DIGEST, DIGEST, DIGEST);
    }

    public static String artifact(int n) {
        return "sha256:" + String.format("%02x", n).repeat(32);
    }

    /** Plays merge and eval: a passing composite adding {@code adapters} on top of {@code parent}, awaited until it is the head. */
    public static void publish(String branch, int parent, List<AdapterRef> adapters, String artifact) {
        Map<String, Double> weights = new HashMap<>();
        adapters.forEach(a -> weights.put(a.submissionId(), 0.5 + parent / 10.0));
        Map<String, TaskMetrics> metrics = new HashMap<>();
        adapters.forEach(a -> metrics.put(a.task(), new TaskMetrics(0.8 + parent / 100.0, 0.9, 2000)));
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch,
                parent, "mixture", artifact, adapters, weights, metrics, Map.of(), Map.of(), new GateDecision(true, List.of()))));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                asGateway().get("/internal/branches/{b}", branch).then().body("headVersion", is(parent + 1)));
    }
}
