package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.gateway.GatewayFixtures.publish;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class BranchResourceTest {

    @Inject
    ArtifactStore store;

    @Test
    void theOperatorRegistersABranchThatSubscribersSeeAndOnlyTheOperatorMaySetItsPolicy() {
        String branch = GatewayFixtures.newBranch();
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get("/api/v1/branches").then()
                .statusCode(200).body("id", hasItem(branch));

        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("strategy", "mixture", "maxRegression", 0.02))
                .put("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(200).body("policy.strategy", is("mixture"));
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("strategy", "fusion"))
                .put("/api/v1/branches/{b}/policy", branch).then().statusCode(403);
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("id", "x-" + branch, "baseModel", Map.of("id", "b", "digest", GatewayFixtures.DIGEST, "architecture", "{}")))
                .post("/api/v1/branches").then().statusCode(403);
    }

    /** Issue 15: a JSON merge patch changes what it names, puts a null field back to its default and refuses unknown fields. */
    @Test
    void theOperatorPatchesThePolicyAndANullGoesBackToTheDefault() {
        String branch = GatewayFixtures.newBranch();
        String ops = KeycloakTokens.userToken("ops");
        float defaultRegression = given().auth().oauth2(ops).get("/api/v1/branches").then().statusCode(200)
                .extract().path("find { it.id == '" + branch + "' }.policy.maxRegression");

        given().auth().oauth2(ops).contentType("application/merge-patch+json")
                .body(Map.of("strategy", "mixture", "maxRegression", 0.5))
                .patch("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(200).body("policy.strategy", is("mixture")).body("policy.maxRegression", is(0.5f));
        given().auth().oauth2(ops).contentType("application/merge-patch+json").body("{\"maxRegression\": null}")
                .patch("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(200)
                .body("policy.maxRegression", is(defaultRegression))
                .body("policy.strategy", is("mixture"));
        given().auth().oauth2(ops).contentType("application/merge-patch+json").body("{\"maxRegresion\": 0.1}")
                .patch("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_FIELD"))
                .body("errors[0].field", is("policy.maxRegresion"));
        given().auth().oauth2(ops).contentType(ContentType.JSON).body(Map.of("strategy", "fusion"))
                .patch("/api/v1/branches/{b}/policy", branch).then().statusCode(415);
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType("application/merge-patch+json")
                .body(Map.of("strategy", "fusion"))
                .patch("/api/v1/branches/{b}/policy", branch).then().statusCode(403);
        given().auth().oauth2(ops).get("/api/v1/branches").then()
                .body("find { it.id == '" + branch + "' }.policy.strategy", is("mixture"));
    }

    @Test
    void theRegistrysRefusalsPassThroughAsProblemDetails() {
        String branch = GatewayFixtures.newBranch();
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", Map.of("id", "vit-tiny-gateway-test", "digest", GatewayFixtures.DIGEST, "architecture", "{}")))
                .post("/api/v1/branches").then()
                .statusCode(409).contentType("application/problem+json");
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("strategy", "averaging"))
                .put("/api/v1/branches/{b}/policy", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", is("about:blank"))
                .body("title", is("Bad Request"))
                .body("instance", is("/api/v1/branches/" + branch + "/policy"))
                .body("errors[0].field", is("policy.strategy"))
                .body("errors[0].pointer", is("/policy/strategy"));
    }

    @Test
    void aContributorRegistersTasksForItsOwnInstitutionOnly() {
        String branch = GatewayFixtures.newBranch();
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", List.of("T-shirt/top", "Pullover"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(201)
                .body("institution", is("hospital-a"));
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "footwear", "institution", "hospital-b", "classNames", List.of("Sandal", "Sneaker"),
                        "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(400)
                .body("errors[0].code", is("INSTITUTION_MISMATCH"));
    }

    @Test
    void aPublishedVersionHasAModelCardAndDownloadsWithItsDigest() throws IOException {
        String branch = GatewayFixtures.newBranch();
        byte[] model = ("composite of " + branch).getBytes(StandardCharsets.UTF_8);
        ArtifactDigest digest = store.put(model);
        String submissionId = UUID.randomUUID().toString();
        // The registry publishes only adapters whose institution registered their task.
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", List.of("T-shirt/top", "Pullover"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(201);
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated(
                "c-" + UUID.randomUUID(), branch, 0, "fusion", digest.toString(),
                List.of(new AdapterRef(submissionId, "hospital-a", "tops", GatewayFixtures.DIGEST, GatewayFixtures.DIGEST, GatewayFixtures.DIGEST)),
                Map.of(submissionId, 0.8), Map.of("tops", new TaskMetrics(0.91, 0.97, 2000)), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()))));

        String viewer = KeycloakTokens.userToken("viewer");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", branch).then()
                        .statusCode(200).body("version", hasItem(1)));
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/1", branch).then()
                .statusCode(200)
                .body("artifact", is(digest.toString()))
                .body("metrics.tops.accuracy", is(0.91f))
                .body("institutions", hasItem("hospital-a"))
                .body("baseModel.architecture.width", is(64))
                .body("tasks[0].classNames", contains("T-shirt/top", "Pullover"));

        Response download = given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/1/artifact", branch);
        download.then().statusCode(200);
        assertArrayEquals(model, download.asByteArray());
        assertEquals("\"" + digest + "\"", download.header("ETag"));
        String sha256 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest.hex()));
        assertEquals("sha-256=" + sha256, download.header("Digest"));
        assertEquals("sha-256=:" + sha256 + ":", download.header("Repr-Digest"), "RFC 9530: a structured byte sequence");
        assertEquals("bytes", download.header("Accept-Ranges"));

        String etag = download.header("ETag");
        given().auth().oauth2(viewer).header("If-None-Match", etag).get("/api/v1/branches/{b}/versions/1/artifact", branch).then()
                .statusCode(304).header("ETag", etag);
        given().auth().oauth2(viewer).header("If-None-Match", "\"sha256:" + "0".repeat(64) + "\"")
                .get("/api/v1/branches/{b}/versions/1/artifact", branch).then().statusCode(200);
        Response tail = given().auth().oauth2(viewer).header("Range", "bytes=9-").get("/api/v1/branches/{b}/versions/1/artifact", branch);
        tail.then().statusCode(206).header("Content-Range", "bytes 9-" + (model.length - 1) + "/" + model.length)
                .header("Repr-Digest", "sha-256=:" + sha256 + ":");
        assertArrayEquals(java.util.Arrays.copyOfRange(model, 9, model.length), tail.asByteArray(), "a resumed download gets the rest");
        given().auth().oauth2(viewer).header("Range", "bytes=0-3").header("If-Range", "\"sha256:" + "0".repeat(64) + "\"")
                .get("/api/v1/branches/{b}/versions/1/artifact", branch).then()
                .statusCode(200).header("Content-Length", String.valueOf(model.length));
        given().auth().oauth2(viewer).header("Range", "bytes=" + model.length + "-")
                .get("/api/v1/branches/{b}/versions/1/artifact", branch).then()
                .statusCode(416).header("Content-Range", "bytes */" + model.length)
                .contentType("application/problem+json").body("detail", containsString("of " + model.length + " bytes"));

        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/2", branch).then()
                .statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(KeycloakTokens.userToken("ops")).get("/api/v1/branches/{b}/versions/1/artifact", branch).then()
                .statusCode(200);
    }

    /** Issue 16: a subscriber gets the base a version runs on from the same place as the version. */
    @Test
    void theBaseModelDownloadsUnderItsDigestAndOneNeverUploadedIsANamed404() throws IOException {
        byte[] weights = GatewayFixtures.safetensors(96);
        ArtifactDigest digest = store.put(weights);
        String branch = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", Map.of("id", "vit-base-download-" + branch, "digest", digest.toString(),
                        "architecture", "{\"width\":64}")))
                .post("/api/v1/branches").then().statusCode(201);
        String viewer = KeycloakTokens.userToken("viewer");

        Response download = given().auth().oauth2(viewer).get("/api/v1/branches/{b}/base-model", branch);

        download.then().statusCode(200).header("ETag", "\"" + digest + "\"")
                .header("Content-Disposition", "attachment; filename=\"model.safetensors\"");
        assertArrayEquals(weights, download.asByteArray());
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/base-model", GatewayFixtures.newBranch()).then()
                .statusCode(404).contentType("application/problem+json")
                .body("errors[0].code", is("BASE_MODEL_NOT_STORED"))
                .body("errors[0].field", is("baseModel"));
        given().get("/api/v1/branches/{b}/base-model", branch).then().statusCode(401);
    }

    /** Issue 14: {@code git diff} for a branch, read from the two model cards. */
    @Test
    void aDiffListsTheAddedAdapterTheStrategyAndCoefficientChangesAndEachTasksDeltaWithTheGatesVerdict() throws IOException {
        String branch = GatewayFixtures.newBranch();
        for (String[] task : new String[][] {{"hospital-a", "tops"}, {"hospital-b", "footwear"}}) {
            given().auth().oauth2(KeycloakTokens.userToken(task[0])).contentType(ContentType.JSON)
                    .body(Map.of("name", task[1], "classNames", List.of("one", "two"), "evaluationSuite", GatewayFixtures.DIGEST))
                    .post("/api/v1/branches/{b}/tasks", branch).then()
                    .statusCode(201);
        }
        AdapterRef tops = new AdapterRef("sub-a-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        String otherBytes = store.put(("footwear adapter of " + branch).getBytes(StandardCharsets.UTF_8)).toString();
        AdapterRef footwear = new AdapterRef("sub-b-" + UUID.randomUUID(), "hospital-b", "footwear", otherBytes,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        String viewer = KeycloakTokens.userToken("viewer");
        publish(branch, 0, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.91, 0.97, 2000)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", branch).then().body("version", hasItem(1)));
        publish(branch, 1, "mixture", List.of(tops, footwear), Map.of(tops.submissionId(), 0.5, footwear.submissionId(), 0.5),
                Map.of("tops", new TaskMetrics(0.80, 0.93, 2000), "footwear", new TaskMetrics(0.88, 0.95, 2000)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", branch).then().body("version", hasItem(2)));

        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/1...2", branch).then()
                .statusCode(200)
                .body("from", is(1)).body("to", is(2))
                .body("strategy.from", is("fusion")).body("strategy.to", is("mixture"))
                .body("added.submissionId", contains(footwear.submissionId()))
                .body("removed", empty())
                .body("coefficients." + tops.submissionId() + ".from", is(1.0f))
                .body("coefficients." + tops.submissionId() + ".to", is(0.5f))
                .body("coefficients." + footwear.submissionId() + ".from", nullValue())
                .body("tasks.tops.accuracy.from", is(0.91f)).body("tasks.tops.accuracy.to", is(0.80f))
                .body("tasks.tops.accuracyPoints", is(-11.0f))
                .body("tasks.tops.verdict", is("beyond gate"))
                .body("tasks.footwear.verdict", is("new"))
                .body("gate.maxRegression", is(2.0f));
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/2...1", branch).then()
                .statusCode(200)
                .body("added", empty())
                .body("removed.submissionId", contains(footwear.submissionId()))
                .body("tasks.tops.verdict", is("within gate"))
                .body("tasks.footwear.verdict", is("dropped"));
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/1...9", branch).then()
                .statusCode(404).contentType("application/problem+json");
        given().get("/api/v1/branches/{b}/versions/1...2", branch).then().statusCode(401);
    }

    /** Issue 15: the public versions list pages by cursor like the registry's, its Link naming the gateway's own path. */
    @Test
    void theVersionsListPagesByCursorAndTheLinkLeadsThroughTheGateway() {
        String branch = GatewayFixtures.newBranch();
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", List.of("one", "two"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", branch).then()
                .statusCode(201);
        String viewer = KeycloakTokens.userToken("viewer");
        for (int parent = 0; parent < 2; parent++) {
            AdapterRef tops = new AdapterRef("sub-a-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                    GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
            publish(branch, parent, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.9, 0.95, 2000)));
            int version = parent + 1;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", branch).then().body("version", hasItem(version)));
        }

        given().auth().oauth2(viewer).queryParam("limit", 1).get("/api/v1/branches/{b}/versions", branch).then()
                .statusCode(200).body("version", contains(1))
                .header("Link", is("</api/v1/branches/" + branch + "/versions?after=1&limit=1>; rel=\"next\""));
        given().auth().oauth2(viewer).queryParam("after", 1).queryParam("limit", 1).get("/api/v1/branches/{b}/versions", branch).then()
                .statusCode(200).body("version", contains(2)).header("Link", nullValue());
        given().auth().oauth2(viewer).queryParam("limit", 0).get("/api/v1/branches/{b}/versions", branch).then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", is("limit"));
    }

    /** Issue 15: the branches page by id through the gateway, the cursor kept and the path the gateway's. */
    @Test
    void theBranchesListPagesByIdAndTheLinkLeadsThroughTheGateway() {
        String prefix = "gw-pg-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        GatewayFixtures.newBranch(prefix + "b");
        GatewayFixtures.newBranch(prefix + "a");
        String viewer = KeycloakTokens.userToken("viewer");
        given().auth().oauth2(viewer).queryParam("after", prefix).queryParam("limit", 1).get("/api/v1/branches").then()
                .statusCode(200).body("id", contains(prefix + "a"))
                .header("Link", is("</api/v1/branches?after=" + prefix + "a&limit=1>; rel=\"next\""));
        given().auth().oauth2(viewer).queryParam("after", prefix + "a").queryParam("limit", 1).get("/api/v1/branches").then()
                .statusCode(200).body("id", contains(prefix + "b"));
        given().auth().oauth2(viewer).queryParam("limit", 501).get("/api/v1/branches").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", is("limit"));
    }

    /** Issue 14: {@code git branch} at a tag, forwarded to the registry, for operators only. */
    @Test
    void theOperatorForksAPublishedVersionAndOthersMayNot() throws IOException {
        String source = GatewayFixtures.newBranch();
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "classNames", List.of("one", "two"), "evaluationSuite", GatewayFixtures.DIGEST))
                .post("/api/v1/branches/{b}/tasks", source).then()
                .statusCode(201);
        AdapterRef tops = new AdapterRef("sub-a-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        publish(source, 0, "fusion", List.of(tops), Map.of(tops.submissionId(), 1.0), Map.of("tops", new TaskMetrics(0.91, 0.97, 2000)));
        String viewer = KeycloakTokens.userToken("viewer");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions", source).then().body("version", hasItem(1)));

        String fork = "fork-" + UUID.randomUUID().toString().substring(0, 8);
        String ops = KeycloakTokens.userToken("ops");
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", 1))
                .post("/api/v1/branches").then()
                .statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(ops).contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", 2))
                .post("/api/v1/branches").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_VERSION"))
                .body("errors[0].field", is("fromVersion"));
        given().auth().oauth2(ops).contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", 1))
                .post("/api/v1/branches").then()
                .statusCode(201)
                .header("Location", endsWith("/api/v1/branches/" + fork))
                .body("headVersion", is(1))
                .body("forkedFrom.branch", is(source));
        given().auth().oauth2(viewer).get("/api/v1/branches/{b}/versions/1", fork).then()
                .statusCode(200)
                .body("forkedFrom.version", is(1))
                .body("adapters.submissionId", contains(tops.submissionId()))
                .body("metrics.tops.accuracy", is(0.91f));
    }
}
