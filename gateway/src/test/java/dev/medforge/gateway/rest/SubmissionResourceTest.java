package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.gateway.GatewayFixtures.json;
import static dev.medforge.gateway.GatewayFixtures.safetensors;
import static dev.medforge.gateway.GatewayFixtures.submission;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class SubmissionResourceTest {

    private static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final String REPLAYED = "Idempotent-Replayed";

    private static final Duration QUIET = Duration.ofSeconds(3);

    @Inject
    ArtifactStore store;

    @Test
    void aValidSubmissionIsStoredEmittedForTheTokensInstitutionAndAnswered202() throws IOException {
        String branch = GatewayFixtures.newBranch();
        byte[] adapter = safetensors(1024);
        try (TopicProbe submitted = TopicProbe.tail(Topics.ADAPTER_SUBMITTED);
             TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            Response response = submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of("adapter_model", adapter))
                    .post("/api/v1/branches/{b}/submissions", branch);
            response.then().statusCode(202);
            String id = response.path("submissionId");
            assertEquals("/api/v1/submissions/" + id, java.net.URI.create(response.header("Location")).getPath());

            EventEnvelope<AdapterSubmitted> event = submitted.awaitEvent(AdapterSubmitted.class,
                    s -> s.submissionId().equals(id), Duration.ofSeconds(30));
            assertEquals("hospital-a", event.data().institution());
            assertEquals("tops", event.data().task());
            assertEquals(branch, submitted.seen().stream().filter(r -> r.value().contains(id)).findFirst().orElseThrow().key());
            assertArrayEquals(adapter, store.getBytes(ArtifactDigest.parse(event.data().artifacts().adapterModel())));
            assertEquals("gateway test", event.data().manifest().get("description"));
            status.awaitEvent(SubmissionStatus.class,
                    s -> s.submissionId().equals(id) && s.stage() == SubmissionStatus.Stage.RECEIVED, Duration.ofSeconds(30));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().auth().oauth2(KeycloakTokens.userToken("hospital-a"))
                            .get("/api/v1/submissions/{id}", id).then()
                            .statusCode(200)
                            .body("institution", is("hospital-a"))
                            .body("history.stage", hasItem("RECEIVED")));
        }
    }

    /**
     * Issue 11: the same adapter sent again by the same institution for the same task and branch
     * (a double click, a CLI retry after a timeout) is not a second submission but a 409 naming the
     * first, whatever the manifest's description says; only after a rejection may it be tried again.
     */
    @Test
    void anIdenticalResubmissionIs409NamingTheFirstUntilTheFirstIsRejected() {
        String branch = GatewayFixtures.newBranch();
        String token = KeycloakTokens.userToken("hospital-a");
        Map<String, byte[]> same = Map.of("adapter_model", safetensors(512));
        String first = submission(token, "tops", same).post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202).extract().path("submissionId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(token)
                .get("/api/v1/submissions/{id}", first).then().statusCode(200));

        Map<String, byte[]> reworded = Map.of("adapter_model", same.get("adapter_model"),
                "manifest", json("{\"task\":\"tops\",\"description\":\"the same, sent again\"}"));
        assertNothingEmittedFor(branch, () -> submission(token, "tops", reworded)
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("submission " + first + " (RECEIVED)"))
                .body("errors[0].code", is("DUPLICATE_SUBMISSION"))
                .body("errors[0].field", is("adapter_model")));

        // Rejected, say by ingest: the same bytes may be tried again, as a new submission.
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(first, "hospital-a", branch,
                SubmissionStatus.Stage.REJECTED, "NORM_BOUND layer")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(token)
                .get("/api/v1/submissions/{id}", first).then().body("stage", is("REJECTED")));
        String retried = submission(token, "tops", same).post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202).extract().path("submissionId");
        assertFalse(retried.equals(first), "a retry after a rejection is a submission of its own");
    }

    /**
     * Issue 15: a request sent again with its Idempotency-Key, as the CLI does after a timeout, gets
     * the first answer (202, the same id) and submits nothing, before and after the registry knows
     * the submission; the key used for a different request is 422; a malformed key is 400.
     */
    @Test
    void aRequestSentAgainWithItsIdempotencyKeyGetsTheFirstAnswerAndTheKeyOnAnotherRequestIs422() {
        String branch = GatewayFixtures.newBranch();
        String token = KeycloakTokens.userToken("hospital-a");
        String key = UUID.randomUUID().toString();
        Map<String, byte[]> parts = Map.of("adapter_model", safetensors(640));
        String first = submission(token, "tops", parts).header(IDEMPOTENCY_KEY, key)
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202).header(REPLAYED, nullValue()).extract().path("submissionId");

        assertNothingEmittedFor(branch, () -> submission(token, "tops", parts).header(IDEMPOTENCY_KEY, key)
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202).header(REPLAYED, is("true")).header("Location", endsWith("/api/v1/submissions/" + first))
                .body("submissionId", is(first)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().auth().oauth2(token)
                .get("/api/v1/submissions/{id}", first).then().statusCode(200));
        assertNothingEmittedFor(branch, () -> submission(token, "tops", parts).header(IDEMPOTENCY_KEY, key)
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202).header(REPLAYED, is("true")).body("submissionId", is(first)));
        // Without the key the same bytes are still the duplicate they were.
        submission(token, "tops", parts).post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(409).body("errors[0].code", is("DUPLICATE_SUBMISSION"));

        assertNothingEmittedFor(branch, () -> submission(token, "tops", Map.of("adapter_model", safetensors(656)))
                .header(IDEMPOTENCY_KEY, key).post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors[0].code", is("IDEMPOTENCY_KEY_REUSED"))
                .body("errors[0].field", is(IDEMPOTENCY_KEY)));
        submission(token, "tops", Map.of("adapter_model", safetensors(672))).header(IDEMPOTENCY_KEY, "two words")
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(400).body("errors[0].code", is("INVALID_IDEMPOTENCY_KEY")).body("errors[0].field", is(IDEMPOTENCY_KEY));
    }

    @Test
    void anotherInstitutionsSubmissionIsIndistinguishableFromANonexistentOne() {
        String branch = GatewayFixtures.newBranch();
        String id = submission(KeycloakTokens.userToken("hospital-b"), "footwear", Map.of())
                .post("/api/v1/branches/{b}/submissions", branch).then().statusCode(202).extract().path("submissionId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(KeycloakTokens.userToken("hospital-b")).get("/api/v1/submissions/{id}", id)
                        .then().statusCode(200));

        String hidden = given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/submissions/{id}", id)
                .then().statusCode(404).contentType("application/problem+json").extract().path("title");
        String absent = given().auth().oauth2(KeycloakTokens.userToken("hospital-a"))
                .get("/api/v1/submissions/{id}", UUID.randomUUID().toString())
                .then().statusCode(404).contentType("application/problem+json").extract().path("title");
        assertEquals(absent, hidden);
    }

    @Test
    void aManifestClaimingAnotherInstitutionIsRefusedAndNothingIsEmitted() {
        String branch = GatewayFixtures.newBranch();
        assertNothingEmittedFor(branch, () ->
                submission(KeycloakTokens.userToken("hospital-a"), "tops",
                        Map.of("manifest", json("{\"task\":\"tops\",\"institution\":\"hospital-b\"}")))
                        .post("/api/v1/branches/{b}/submissions", branch).then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("errors[0].code", is("INSTITUTION_MISMATCH"))
                        .body("errors[0].field", is("manifest.institution")));
    }

    @Test
    void anOversizedPartIs413NamingThePartAndNothingIsEmitted() {
        String branch = GatewayFixtures.newBranch();
        assertNothingEmittedFor(branch, () ->
                submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of("distilled", safetensors(16 * 1024 * 1024 + 1)))
                        .post("/api/v1/branches/{b}/submissions", branch).then()
                        .statusCode(413)
                        .contentType("application/problem+json")
                        .body("errors[0].field", is("distilled")));
    }

    @Test
    void aManifestTooLargeForAnEventIs413NamingItAndNothingIsStoredOrEmitted() throws IOException {
        String branch = GatewayFixtures.newBranch();
        byte[] manifest = json("{\"task\":\"tops\",\"description\":\"" + "x".repeat(1_100_000) + "\"}");
        byte[] adapter = safetensors(2048);
        assertNothingEmittedFor(branch, () ->
                submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of("manifest", manifest, "adapter_model", adapter))
                        .post("/api/v1/branches/{b}/submissions", branch).then()
                        .statusCode(413)
                        .contentType("application/problem+json")
                        .body("errors[0].field", is("manifest"))
                        .body("errors[0].message", containsString("65536")));
        String sha = java.util.HexFormat.of().formatHex(sha256(adapter));
        assertFalse(store.contains(ArtifactDigest.parse(ArtifactDigest.PREFIX + sha)), "the adapter of a refused upload is not stored");
    }

    @Test
    void aNonSafetensorsAdapterIs400NamingThePartAndNothingIsEmitted() {
        String branch = GatewayFixtures.newBranch();
        byte[] lyingLength = safetensors(64);
        lyingLength[0] = (byte) 0xff;
        assertNothingEmittedFor(branch, () -> {
            submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of("adapter_model", json("{\"not\":\"safetensors\"}")))
                    .post("/api/v1/branches/{b}/submissions", branch).then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors[0].code", is("NOT_SAFETENSORS"))
                    .body("errors[0].field", is("adapter_model"));
            submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of("adapter_model", lyingLength))
                    .post("/api/v1/branches/{b}/submissions", branch).then()
                    .statusCode(400)
                    .body("errors[0].field", is("adapter_model"))
                    .body("errors[0].message", containsString("header"));
        });
    }

    @Test
    void everyMalformedOrMissingPartIsNamed() {
        String branch = GatewayFixtures.newBranch();
        submission(KeycloakTokens.userToken("hospital-a"), "tops",
                Map.of("adapter_config", json("[1,2]"), "privacy_report", json("{\"open\":")))
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.containsInAnyOrder("adapter_config", "privacy_report"));
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).contentType("multipart/form-data")
                .multiPart("manifest", "manifest.json", json("{\"task\":\"tops\"}"), "application/json")
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(400)
                .body("errors.field", hasItem("adapter_model"));
    }

    @Test
    void anUnknownBranchIs404() {
        submission(KeycloakTokens.userToken("hospital-a"), "tops", Map.of())
                .post("/api/v1/branches/{b}/submissions", "no-such-branch-" + UUID.randomUUID().toString().substring(0, 8))
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void aSubscriberWithoutTheContributorRoleIs403() {
        String branch = GatewayFixtures.newBranch();
        submission(KeycloakTokens.userToken("viewer"), "tops", Map.of())
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void aLargeUploadIsAcceptedAndItsThroughputReported() {
        String branch = GatewayFixtures.newBranch();
        int partBytes = 16 * 1024 * 1024;
        String token = KeycloakTokens.userToken("hospital-a");
        long started = System.nanoTime();
        submission(token, "tops", Map.of("adapter_model", safetensors(partBytes), "distilled", safetensors(partBytes)))
                .post("/api/v1/branches/{b}/submissions", branch).then().statusCode(202);
        double seconds = (System.nanoTime() - started) / 1e9;
        double megabytes = 2.0 * partBytes / (1024 * 1024);
        System.out.printf("upload of %.1f MiB took %.2f s: %.1f MiB/s%n", megabytes, seconds, megabytes / seconds);
        assertTrue(seconds < 60, "a " + megabytes + " MiB upload took " + seconds + " s");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code action}, then proves that no submission for {@code branch} reached the topic. */
    private static void assertNothingEmittedFor(String branch, Runnable action) {
        try (TopicProbe submitted = TopicProbe.tail(Topics.ADAPTER_SUBMITTED)) {
            action.run();
            try {
                Thread.sleep(QUIET.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertTrue(submitted.seen().stream().noneMatch(r -> branch.equals(r.key())),
                    "something was emitted for " + branch);
        }
    }
}
