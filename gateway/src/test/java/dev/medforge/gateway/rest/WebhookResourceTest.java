package dev.medforge.gateway.rest;

import com.sun.net.httpserver.HttpServer;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class WebhookResourceTest {

    /** What the receiver got: the signature header and the raw body. */
    record Received(String signature, byte[] body) {
    }

    private HttpServer receiver;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    // Other tests and services publish too: only this branch's deliveries count, and fail once.
    private final String branch = "hook-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void startReceiverThatFailsOnce() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean ours = new String(body, StandardCharsets.UTF_8).contains(branch);
            if (ours) {
                received.add(new Received(exchange.getRequestHeaders().getFirst("X-MedForge-Signature"), body));
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
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
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
        assertEquals("sha256=" + hmac(secret, retried.body()), retried.signature());

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
    void aWebhookNeedsAnHttpUrl() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).contentType(ContentType.JSON)
                .body(Map.of("url", "file:///etc/passwd"))
                .post("/api/v1/webhooks").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", is("url"));
    }

    private static String ofEvent(EventEnvelope<?> event, String path) {
        return "findAll { it.eventId == '" + event.id() + "' }" + path;
    }

    /** Computed here independently of the gateway's signer, as a receiver would. */
    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
