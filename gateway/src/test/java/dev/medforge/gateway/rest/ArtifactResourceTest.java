package dev.medforge.gateway.rest;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.ArtifactStoreConfig;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class ArtifactResourceTest {

    /** The test profile's medforge.gateway.max-part-bytes. */
    private static final int LIMIT = 16 * 1024 * 1024;

    @Inject
    ArtifactStore store;

    @Inject
    ArtifactStoreConfig storeConfig;

    @TestHTTPResource("/api/v1/artifacts")
    URI artifacts;

    @Test
    void contributorsAndOperatorsStoreABodyUnderItsSha256() throws IOException {
        for (String user : new String[] {"hospital-a", "ops"}) {
            byte[] body = ("evaluation suite of " + user + " " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
            String digest = "sha256:" + sha256(body);
            Response response = given().auth().oauth2(KeycloakTokens.userToken(user))
                    .contentType("application/octet-stream").body(body)
                    .post("/api/v1/artifacts");
            response.then().statusCode(201)
                    .body("digest", is(digest))
                    .body("size", is(body.length));
            assertEquals("/api/v1/artifacts/" + digest, URI.create(response.header("Location")).getPath());
            assertArrayEquals(body, store.getBytes(ArtifactDigest.parse(digest)));
        }
    }

    @Test
    void aSubscriberIsForbiddenAndNoTokenIsUnauthorized() {
        byte[] body = "not for viewers".getBytes(StandardCharsets.UTF_8);
        given().auth().oauth2(KeycloakTokens.userToken("viewer"))
                .contentType("application/octet-stream").body(body)
                .post("/api/v1/artifacts").then()
                .statusCode(403).contentType("application/problem+json");
        given().contentType("application/octet-stream").body(body)
                .post("/api/v1/artifacts").then()
                .statusCode(401).contentType("application/problem+json");
        assertFalse(store.contains(new ArtifactDigest(sha256(body))));
    }

    @Test
    void aBodyOverTheLimitIs413AndLeavesNothingInTheStore() throws IOException {
        byte[] oversized = new byte[LIMIT + 1];
        oversized[0] = 1;
        String token = KeycloakTokens.userToken("hospital-a");
        Path tmp = Path.of(storeConfig.root()).toAbsolutePath().resolve("tmp");
        Set<Path> before = temporaryFiles(tmp);
        // With a Content-Length, refused before reading; chunked, once the count passes the limit.
        given().auth().oauth2(token).contentType("application/octet-stream").body(oversized)
                .post("/api/v1/artifacts").then()
                .statusCode(413).contentType("application/problem+json")
                .body("errors[0].code", is("TOO_LARGE"));
        HttpResponse<String> chunked = postChunked(token, oversized);
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals("application/problem+json", chunked.headers().firstValue("Content-Type").orElse(""));
        assertFalse(store.contains(new ArtifactDigest(sha256(oversized))));
        // Other test runs may share this store, so only files that appeared since are ours, and theirs finish quickly.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Set<Path> left = temporaryFiles(tmp);
            left.removeAll(before);
            assertEquals(Set.of(), left, "a refused upload leaves no temporary file");
        });

        byte[] atTheLimit = new byte[LIMIT];
        atTheLimit[1] = 2;
        HttpResponse<String> stored = postChunked(token, atTheLimit);
        assertEquals(201, stored.statusCode(), stored.body());
        assertTrue(stored.body().contains("sha256:" + sha256(atTheLimit)), stored.body());
    }

    /** Without a Content-Length (REST Assured always sends one), so only the count can stop it. */
    private HttpResponse<String> postChunked(String token, byte[] body) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(artifacts)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<Path> temporaryFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
