package dev.medforge.registry.rest;

import dev.medforge.contracts.testing.RealmUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.onBehalfOf;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 11, two gateways: subscribers' webhooks and their delivery logs live in the registry's
 * database, so a webhook made through one gateway is delivered by another, and a restart keeps both.
 */
@QuarkusTest
@TestProfile(WebhookResourceTest.SmallLimits.class)
class WebhookResourceTest {

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("medforge.registry.webhooks.max-per-owner", "3", "medforge.registry.webhooks.log-size", "4");
        }
    }

    /** The realm's subscriber; the owner of a webhook is its subject, taken from the token the gateway forwards. */
    private static final String SUBSCRIBER = "viewer";
    private final String owner = RealmUsers.subject(SUBSCRIBER);

    /** The owner is a real user whom other runs may have left webhooks to: each test starts under the limit. */
    @BeforeEach
    void noWebhooksYet() {
        List<String> left = asGateway().queryParam("owner", owner).get("/internal/webhooks").then().statusCode(200).extract().path("id");
        left.forEach(id -> onBehalfOf(SUBSCRIBER).delete("/internal/webhooks/{id}", id).then().statusCode(204));
    }

    @Test
    void aWebhookIsKeptWithItsSecretListedByOwnerAndDeletedWithItsLog() {
        Response created = create(owner, "https://hooks.example.org/a");
        String id = created.then().statusCode(201).extract().path("id");
        created.then().header("Location", endsWith("/internal/webhooks/" + id));
        create(owner, "https://hooks.example.org/b").then().statusCode(201);
        asGateway().get("/internal/webhooks/{id}", id).then()
                .statusCode(200)
                .body("owner", is(owner))
                .body("url", is("https://hooks.example.org/a"))
                .body("secret", is("whsec_test"));
        asGateway().queryParam("owner", owner).get("/internal/webhooks").then()
                .statusCode(200).body("url", contains("https://hooks.example.org/a", "https://hooks.example.org/b"));
        asGateway().get("/internal/webhooks").then().statusCode(200).body("id", hasItem(id));
        asGateway().queryParam("owner", "somebody-else").get("/internal/webhooks").then().statusCode(200).body("id", not(hasItem(id)));

        record(id, 1, 500, "HTTP 500").then().statusCode(201).body("status", is(500));
        // Issue 9: only the owner, by their own forwarded token, deletes a webhook; another user's delete finds none.
        onBehalfOf("hospital-a").delete("/internal/webhooks/{id}", id).then().statusCode(404);
        asGateway().delete("/internal/webhooks/{id}", id).then().statusCode(401).body("errors[0].code", is("ON_BEHALF_OF_REQUIRED"));
        asGateway().get("/internal/webhooks/{id}", id).then().statusCode(200);
        onBehalfOf(SUBSCRIBER).delete("/internal/webhooks/{id}", id).then().statusCode(204);
        asGateway().get("/internal/webhooks/{id}", id).then().statusCode(404).body("detail", is("no webhook '" + id + "'"));
        asGateway().get("/internal/webhooks/{id}/deliveries", id).then().statusCode(404);
        // A gateway still retrying a deleted webhook learns from this that it should stop.
        record(id, 2, 200, null).then().statusCode(404);
        onBehalfOf(SUBSCRIBER).delete("/internal/webhooks/{id}", id).then().statusCode(404);
    }

    /** Issue 9: the owner comes from the user's own token; a body naming anyone else is refused and nothing is kept. */
    @Test
    void aWebhookIsMadeOnlyForTheUserWhoseTokenIsForwarded() {
        onBehalfOf(SUBSCRIBER).contentType(ContentType.JSON)
                .body(Map.of("owner", "somebody-else", "url", "https://hooks.example.org/x", "secret", "whsec_test"))
                .post("/internal/webhooks").then()
                .statusCode(403)
                .body("errors[0].code", is("ON_BEHALF_OF_MISMATCH"))
                .body("errors[0].field", is("owner"));
        asGateway().contentType(ContentType.JSON).body(Map.of("owner", owner, "url", "https://hooks.example.org/x", "secret", "whsec_test"))
                .post("/internal/webhooks").then()
                .statusCode(401).body("errors[0].code", is("ON_BEHALF_OF_REQUIRED"));
        asGateway().queryParam("owner", "somebody-else").get("/internal/webhooks").then().statusCode(200).body("$", empty());
        asGateway().queryParam("owner", owner).get("/internal/webhooks").then().statusCode(200).body("$", empty());
    }

    @Test
    void theLogKeepsTheLatestAttemptsInOrder() {
        String id = create(owner, "https://hooks.example.org/log").then().statusCode(201).extract().path("id");
        for (int attempt = 1; attempt <= 6; attempt++) {
            record(id, attempt, attempt < 6 ? 503 : 200, attempt < 6 ? "HTTP 503" : null).then().statusCode(201);
        }
        asGateway().get("/internal/webhooks/{id}/deliveries", id).then()
                .statusCode(200)
                .body("attempt", contains(3, 4, 5, 6))
                .body("[3].status", is(200))
                .body("[3].error", nullValue())
                .body("[3].nextAttemptAt", nullValue())
                .body("[0].error", is("HTTP 503"));
    }

    @Test
    void parallelRequestsThroughTwoGatewaysCannotPassTheOwnersLimit() {
        List<CompletableFuture<Integer>> requests = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> create(owner, "https://hooks.example.org/" + i).statusCode()))
                .toList();
        List<Integer> statuses = requests.stream().map(CompletableFuture::join).toList();
        assertEquals(3, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(5, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        create(owner, "https://hooks.example.org/one-more").then()
                .statusCode(409)
                .body("errors[0].code", is("WEBHOOK_LIMIT"))
                .body("errors[0].field", is("url"))
                .body("detail", is("a subscriber may hold at most 3 webhooks; delete one first"));
        asGateway().queryParam("owner", owner).get("/internal/webhooks").then().body("id.size()", is(3));
    }

    @Test
    void aRequestWithoutItsFieldsNamesEachAndKeepsNothing() {
        asGateway().contentType(ContentType.JSON).body(Map.of("url", " ")).post("/internal/webhooks").then()
                .statusCode(400)
                .body("errors.field", contains("owner", "url", "secret"))
                .body("errors.code", contains("REQUIRED", "REQUIRED", "REQUIRED"));
        String id = create(owner, "https://hooks.example.org/bad-log").then().statusCode(201).extract().path("id");
        asGateway().contentType(ContentType.JSON).body(Map.of("attempt", 0)).post("/internal/webhooks/{id}/deliveries", id).then()
                .statusCode(400)
                .body("errors.field", contains("eventId", "attempt", "at"));
        asGateway().get("/internal/webhooks/{id}/deliveries", id).then().statusCode(200).body("$", empty());
    }

    private static Response create(String owner, String url) {
        return onBehalfOf(SUBSCRIBER).contentType(ContentType.JSON).body(Map.of("owner", owner, "url", url, "secret", "whsec_test"))
                .post("/internal/webhooks");
    }

    private static Response record(String id, int attempt, int status, String error) {
        Map<String, Object> body = new HashMap<>(Map.of("eventId", "event-1", "attempt", attempt, "at", Instant.now().toString(),
                "status", status));
        if (error != null) {
            body.put("error", error);
            body.put("nextAttemptAt", Instant.now().plusSeconds(attempt).toString());
        }
        return asGateway().contentType(ContentType.JSON).body(body).post("/internal/webhooks/{id}/deliveries", id);
    }
}
