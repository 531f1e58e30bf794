package dev.medforge.gateway.client;

import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.RegistryProcess;
import dev.medforge.gateway.RegistryProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 15: the registry client's fault tolerance, seen on the wire between the gateway and the
 * real registry. A read that meets a registry answering 503 is asked again and the caller never
 * notices a short outage; a change is sent once, since the registry may have made it; an outage
 * longer than the retries reaches the caller as a 502.
 */
@QuarkusTest
class RegistryClientRetryTest {

    private final RegistryProxy proxy = RegistryProcess.proxy();

    @AfterEach
    void stopWatching() {
        proxy.watch("", 0);
    }

    @Test
    void aReadThatMeetsTwoFailuresIsAskedAgainAndTheCallerGetsItsAnswer() {
        String branch = GatewayFixtures.newBranch();
        proxy.watch("/internal/branches/" + branch + "/versions", 2);

        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get("/api/v1/branches/{b}/versions", branch).then()
                .statusCode(200);

        assertEquals(List.of("GET /internal/branches/" + branch + "/versions 503", "GET /internal/branches/" + branch + "/versions 503",
                "GET /internal/branches/" + branch + "/versions 200"), proxy.seen());
    }

    @Test
    void anOutageLongerThanTheRetriesIsA502AfterThreeAttempts() {
        String branch = GatewayFixtures.newBranch();
        proxy.watch("/internal/branches/" + branch + "/versions", 5);

        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get("/api/v1/branches/{b}/versions", branch).then()
                .statusCode(502).contentType("application/problem+json");

        assertEquals(3, proxy.seen().size(), "the first attempt and two retries: " + proxy.seen());
    }

    @Test
    void aChangeIsSentOnceAndItsFailureReachesTheCaller() {
        String branch = "gw-" + UUID.randomUUID().toString().substring(0, 8);
        String ops = KeycloakTokens.userToken("ops");
        proxy.watch("/internal/branches", 1);

        given().auth().oauth2(ops).contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", Map.of("id", "vit-tiny-gateway-test", "digest", GatewayFixtures.DIGEST,
                        "architecture", "{\"width\":64}")))
                .post("/api/v1/branches").then().statusCode(502);

        assertEquals(List.of("POST /internal/branches 503"), proxy.seen());
        given().auth().oauth2(ops).get("/api/v1/branches").then().statusCode(200).body("id", not(hasItem(branch)));
    }
}
