package dev.medforge.gateway.rest;

import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.gateway.GatewayFixtures.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

/** Issue 14: the owning institution, or an operator, withdraws a published contribution; to anyone else it does not exist. */
@QuarkusTest
class WithdrawalResourceTest {

    private static final String PATH = "/api/v1/branches/{b}/submissions/{id}/withdrawal";
    private static final String ARTIFACT = "/api/v1/branches/{b}/versions/{v}/artifact";
    private static final String AVAILABILITY = "/api/v1/branches/{b}/versions/{v}/availability";

    @Inject
    ArtifactStore store;

    @Test
    void theOwningInstitutionWithdrawsAnotherGets404AndTheRegistrysRulesPassThrough() {
        String branch = GatewayFixtures.newBranch();
        registerTask(branch, "hospital-a", "tops");
        registerTask(branch, "hospital-b", "footwear");
        AdapterRef tops = adapter("hospital-a", "tops");
        AdapterRef footwear = adapter("hospital-b", "footwear");
        publish(branch, 0, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.91, 0.97, 2000)));
        awaitHead(branch, 1);
        publish(branch, 1, "fusion", List.of(footwear), Map.of(footwear.submissionId(), 1.0),
                Map.of("footwear", new TaskMetrics(0.88, 0.95, 2000)));
        awaitHead(branch, 2);
        String hospitalB = KeycloakTokens.userToken("hospital-b");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(hospitalB)
                .get("/api/v1/submissions/{id}", footwear.submissionId()).then().statusCode(200).body("stage", is("PUBLISHED")));

        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).post(PATH, branch, footwear.submissionId()).then()
                .statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).post(PATH, branch, footwear.submissionId()).then()
                .statusCode(403);

        given().auth().oauth2(hospitalB).post(PATH, branch, footwear.submissionId()).then()
                .statusCode(202)
                .body("submissionId", is(footwear.submissionId()))
                .body("institution", is("hospital-b"))
                .body("requestedBy", is("hospital-b"))
                .body("requesterInstitution", is("hospital-b"))
                .body("state", is("PENDING"));
        given().auth().oauth2(hospitalB).post(PATH, branch, footwear.submissionId()).then()
                .statusCode(409).contentType("application/problem+json")
                .body("errors[0].code", is("WITHDRAWAL_PENDING"))
                .body("errors[0].field", is("submission"));

        String ops = KeycloakTokens.userToken("ops");
        given().auth().oauth2(ops).post(PATH, branch, tops.submissionId()).then()
                .statusCode(409)
                .body("errors[0].code", is("LAST_CONTRIBUTION"));
        given().auth().oauth2(ops).post(PATH, branch, "sub-" + UUID.randomUUID()).then()
                .statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(ops).post(PATH, "no-such-branch", tops.submissionId()).then()
                .statusCode(404)
                .body("errors", nullValue());
    }

    @Test
    void aVersionAWithdrawalSupersededDownloadsNamingItsSuccessorUntilTheOperatorTakesItAway() throws IOException {
        String branch = GatewayFixtures.newBranch();
        registerTask(branch, "hospital-a", "tops");
        registerTask(branch, "hospital-b", "footwear");
        AdapterRef tops = adapter("hospital-a", "tops");
        AdapterRef footwear = adapter("hospital-b", "footwear");
        publish(branch, 0, artifact(branch, 1), List.of(tops), List.of());
        awaitHead(branch, 1);
        publish(branch, 1, artifact(branch, 2), List.of(footwear), List.of());
        awaitHead(branch, 2);
        String hospitalB = KeycloakTokens.userToken("hospital-b");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(hospitalB)
                .get("/api/v1/submissions/{id}", footwear.submissionId()).then().body("stage", is("PUBLISHED")));
        given().auth().oauth2(hospitalB).post(PATH, branch, footwear.submissionId()).then().statusCode(202);
        publish(branch, 2, artifact(branch, 3), List.of(), List.of(footwear));
        awaitHead(branch, 3);

        String viewer = KeycloakTokens.userToken("viewer");
        given().auth().oauth2(viewer).get(ARTIFACT, branch, 2).then()
                .statusCode(200)
                .header("Deprecation", matchesPattern("@\\d+"))
                .header("Link", is("</api/v1/branches/" + branch + "/versions/3>; rel=\"successor-version\""));
        given().auth().oauth2(viewer).get(ARTIFACT, branch, 1).then()
                .statusCode(200).header("Deprecation", nullValue()).header("Link", nullValue());
        given().auth().oauth2(viewer).get(ARTIFACT, branch, 3).then()
                .statusCode(200).header("Deprecation", nullValue());

        // The withdrawal is shown with the submission, to its institution and to the operator, who withdraws for institutions.
        String ops = KeycloakTokens.userToken("ops");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(hospitalB)
                .get("/api/v1/submissions/{id}", footwear.submissionId()).then()
                .body("stage", is("WITHDRAWN"))
                .body("withdrawals[0].state", is("PUBLISHED"))
                .body("withdrawals[0].version", is(3)));
        given().auth().oauth2(ops).get("/api/v1/submissions/{id}", footwear.submissionId()).then()
                .statusCode(200).body("withdrawals[0].state", is("PUBLISHED"));
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/submissions/{id}", footwear.submissionId()).then()
                .statusCode(404);

        String reason = "hospital-b's ethics board withdrew consent";
        given().auth().oauth2(hospitalB).contentType("application/json").body(Map.of("available", false, "reason", reason))
                .put(AVAILABILITY, branch, 2).then()
                .statusCode(403);
        given().auth().oauth2(ops).contentType("application/json").body(Map.of("available", false, "reason", reason))
                .put(AVAILABILITY, branch, 2).then()
                .statusCode(200)
                .body("unavailable.by", is("ops"))
                .body("unavailable.reason", is(reason));
        given().auth().oauth2(viewer).get(ARTIFACT, branch, 2).then()
                .statusCode(410).contentType("application/problem+json")
                .body("title", is("Gone"))
                .body("errors[0].code", is("VERSION_UNAVAILABLE"))
                .body("detail", containsString(reason));
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/{v}", branch, 2).then()
                .statusCode(200)
                .body("supersededBy[0].version", is(3))
                .body("unavailable.reason", is(reason));
        given().auth().oauth2(ops).contentType("application/json").body(Map.of("available", false, "reason", reason))
                .put(AVAILABILITY, branch, 3).then()
                .statusCode(409).body("errors[0].code", is("HEAD_VERSION"));
        given().auth().oauth2(ops).contentType("application/json").body(Map.of("reason", reason))
                .put(AVAILABILITY, branch, 2).then()
                .statusCode(400).body("errors[0].field", is("available"));

        given().auth().oauth2(ops).contentType("application/json").body(Map.of("available", true))
                .put(AVAILABILITY, branch, 2).then()
                .statusCode(200).body("unavailable", nullValue());
        given().auth().oauth2(viewer).get(ARTIFACT, branch, 2).then().statusCode(200);
    }

    /** A composite file of its own for each version, so a download shows which one was served. */
    private String artifact(String branch, int version) throws IOException {
        return store.put((branch + " v" + version).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void registerTask(String branch, String institution, String task) {
        given().auth().oauth2(KeycloakTokens.userToken(institution)).contentType("application/json")
                .body(Map.of("name", task, "classNames", List.of("one", "two"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(201);
    }

    private static AdapterRef adapter(String institution, String task) {
        return new AdapterRef("sub-" + UUID.randomUUID(), institution, task, GatewayFixtures.DIGEST, GatewayFixtures.DIGEST,
                GatewayFixtures.DIGEST);
    }

    private static void awaitHead(String branch, int version) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(KeycloakTokens.userToken("viewer"))
                .get("/api/v1/branches/{b}/versions", branch).then().body("version", hasItem(version)));
    }
}
