package dev.medforge.registry;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import io.restassured.http.ContentType;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Branches and evaluated composites for registry tests; each test works on a branch of its own. */
public final class RegistryFixtures {

    public static final String DIGEST = "sha256:" + "ab".repeat(32);

    private RegistryFixtures() {
    }

    public static String newBranch() {
        return newBranch(Map.of());
    }

    public static String newBranch(Map<String, Object> policy) {
        String branch = "b-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON)
                .body(Map.of("id", branch,
                        "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "{\"width\":64}"),
                        "policy", policy))
                .post("/internal/branches")
                .then().statusCode(201);
        return branch;
    }

    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, int parentVersion, boolean passed,
                                                              String... submissionIds) {
        return evaluated(branch, "fusion", parentVersion, passed, submissionIds);
    }

    public static EventEnvelope<CompositeEvaluated> evaluated(String branch, String strategy, int parentVersion, boolean passed,
                                                              String... submissionIds) {
        List<AdapterRef> adapters = java.util.Arrays.stream(submissionIds)
                .map(id -> new AdapterRef(id, "hospital-a", "tops", DIGEST, DIGEST, DIGEST))
                .toList();
        return EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch, parentVersion,
                strategy, DIGEST, adapters, Map.of(submissionIds[0], 0.8),
                Map.of("tops", new TaskMetrics(0.9, 0.97, 2000)), Map.of(), Map.of(),
                new GateDecision(passed, passed ? List.of() : List.of("tops lost 3.1 points against version " + parentVersion))));
    }
}
