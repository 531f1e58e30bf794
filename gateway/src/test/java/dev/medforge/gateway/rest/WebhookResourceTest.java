package dev.medforge.gateway.rest;

import com.sun.net.httpserver.HttpServer;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.TestNameServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class WebhookResourceTest {

    /** What the receiver got: the Standard Webhooks headers and the raw body. */
    record Received(String id, String timestamp, String signature, byte[] body) {
    }

    private static final String RECEIVER_HOST = "127.0.0.2";

    @Inject
    TestNameServer nameServer;

    private HttpServer receiver;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    // Other tests and services publish too: only this branch's deliveries count, and fail once.
    private final String branch = "hook-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startReceiverThatFailsOnce() throws IOException {
        // 127.0.0.2 is on the tests' allow-list (application.properties); 127.0.0.1 is refused like any internal address.
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getByName(RECEIVER_HOST), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ours = new String(body, StandardCharsets.UTF_8).contains(branch);
            if (ours) {
                var headers = exchange.getRequestHeaders();
                received.add(new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                        headers.getFirst("webhook-signature"), body));
            }
            exchange.sendResponseHeaders(ours && calls.getAndIncrement() == 0 ? 500 : 200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    @Test
    void aDeliveryIsSignedRetriedAfterA500AndLogged() throws Exception {
        String token = KeycloakTokens.userToken("viewer");
        String url = "http://" + RECEIVER_HOST + ":" + receiver.getAddress().getPort() + "/hook";
        Map<String, String> created = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", url))
                .post("/api/v1/webhooks").then()
                .statusCode(201)
                .extract().jsonPath().getMap("");
        String id = created.get("id");
        String secret = created.get("secret");
        given().auth().oauth2(token).get("/api/v1/webhooks").then()
                .statusCode(200).body("find { it.id == '" + id + "' }.secret", nullValue());

        EventEnvelope<ModelPublished> published = EventEnvelope.wrap("test", new ModelPublished(branch, 3,
                "c-" + branch, "sha256:" + "ef".repeat(32), "mixture", List.of(), Map.of()));
        TopicProbe.send(Topics.MODEL_PUBLISHED, published);

        Received failed = received.poll(30, TimeUnit.SECONDS);
        Received retried = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(failed, "no delivery");
        assertNotNull(retried, "no retry after the 500");
        assertArrayEquals(failed.body(), retried.body());
        assertTrue(new String(retried.body(), StandardCharsets.UTF_8).contains(branch));
        assertEquals(published.id(), failed.id());
        assertEquals(published.id(), retried.id(), "a retry keeps the webhook-id, so a receiver can drop duplicates");
        for (Received delivery : List.of(failed, retried)) {
            assertEquals(standardWebhooksSignature(secret, delivery), delivery.signature());
            long sentAt = Long.parseLong(delivery.timestamp());
            assertTrue(Math.abs(Instant.now().getEpochSecond() - sentAt) < 60, "webhook-timestamp " + sentAt + " is not now");
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                given().auth().oauth2(token).get("/api/v1/webhooks/{id}/deliveries", id).then()
                        .statusCode(200)
                        .body(ofEvent(published, ""), hasSize(2))
                        .body(ofEvent(published, "[0].status"), is(500))
                        .body(ofEvent(published, "[0].attempt"), is(1))
                        .body(ofEvent(published, "[1].status"), is(200))
                        .body(ofEvent(published, "[1].error"), nullValue()));

        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/webhooks/{id}/deliveries", id).then()
                .statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).delete("/api/v1/webhooks/{id}", id).then()
                .statusCode(404);
        given().auth().oauth2(token).delete("/api/v1/webhooks/{id}", id).then().statusCode(204);
        given().auth().oauth2(token).get("/api/v1/webhooks/{id}/deliveries", id).then().statusCode(404);
    }

    @Test
    void aNameThatRebindsToAnInternalAddressAfterRegistrationIsRefusedAtDeliveryAndNotRetried() throws Exception {
        String token = KeycloakTokens.userToken("viewer");
        String host = branch + TestNameServer.DOMAIN;
        nameServer.answer(host, "93.184.216.34", "127.0.0.1");
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", "http://" + host + ":" + receiver.getAddress().getPort() + "/hook"))
                .post("/api/v1/webhooks").then()
                .statusCode(201)
                .extract().path("id");
        try {
            EventEnvelope<ModelPublished> published = EventEnvelope.wrap("test", new ModelPublished(branch, 1,
                    "c-" + branch, "sha256:" + "ef".repeat(32), "fusion", List.of(), Map.of()));
            TopicProbe.send(Topics.MODEL_PUBLISHED, published);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    given().auth().oauth2(token).get("/api/v1/webhooks/{id}/deliveries", id).then()
                            .statusCode(200)
                            .body(ofEvent(published, ""), hasSize(1))
                            .body(ofEvent(published, "[0].status"), is(0))
                            .body(ofEvent(published, "[0].error"), allOf(containsString("WEBHOOK_URL_INTERNAL"),
                                    containsString("127.0.0.1"), containsString("loopback")))
                            .body(ofEvent(published, "[0].nextAttemptAt"), nullValue()));
            // Retries would come 200 ms, 400 ms, ... apart (application.properties): none may follow.
            Thread.sleep(1500);
            given().auth().oauth2(token).get("/api/v1/webhooks/{id}/deliveries", id).then()
                    .body(ofEvent(published, ""), hasSize(1));
        } finally {
            given().auth().oauth2(token).delete("/api/v1/webhooks/{id}", id).then().statusCode(204);
        }
    }

    @Test
    void aWebhookNeedsAnHttpUrl() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).contentType(ContentType.JSON)
                .body(Map.of("url", "file:///etc/passwd"))
                .post("/api/v1/webhooks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("url"));
    }

    /** The body's constraints (Bean Validation on CreateWebhook) answer in the same problem shape as every other rule. */
    @Test
    void aMissingUrlOrBodyIsARequiredField() {
        String token = KeycloakTokens.userToken("viewer");
        given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("url", " "))
                .post("/api/v1/webhooks").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors", hasSize(1))
                .body("errors[0].code", is("REQUIRED")).body("errors[0].field", is("url"))
                .body("errors[0].pointer", is("/url"))
                .body("errors[0].message", is("the URL to post model.published to is required"));
        given().auth().oauth2(token).contentType(ContentType.JSON)
                .post("/api/v1/webhooks").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("REQUIRED")).body("errors[0].field", is("body"));
    }

    private static String ofEvent(EventEnvelope<?> event, String path) {
        return "findAll { it.eventId == '" + event.id() + "' }" + path;
    }

    /** Computed here independently of the gateway's signer, as a receiver would (README, "Gateway API"). */
    private static String standardWebhooksSignature(String secret, Received delivery) throws Exception {
        assertTrue(secret.startsWith("whsec_"), secret);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        mac.update((delivery.id() + "." + delivery.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(delivery.body()));
    }
}
