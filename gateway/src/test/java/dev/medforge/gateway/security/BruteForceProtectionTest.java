package dev.medforge.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.gateway.KeycloakTokens;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: brute-force protection in the realm, read through Keycloak's admin API and seen at work.
 * Only {@code lockout-probe}, a test-only account with no role, is ever locked: the accounts other
 * tests sign in with must not be.
 */
class BruteForceProtectionTest {

    private static final String KEYCLOAK = KeycloakTokens.ISSUER.substring(0, KeycloakTokens.ISSUER.indexOf("/realms/"));
    private static final String ADMIN_REALM = KEYCLOAK + "/admin/realms/medforge";
    private static final String PROBE = "lockout-probe";
    private static final Path REALM_FILE = Path.of("../infra/keycloak/medforge-realm.json");

    private String admin;
    private String probeId;

    @BeforeEach
    void forgetEarlierFailures() {
        // The bootstrap admin of the local Keycloak (infra/lib/keycloak.sh), local development only.
        admin = given().formParam("grant_type", "password").formParam("client_id", "admin-cli")
                .formParam("username", "admin").formParam("password", KeycloakTokens.PASSWORD)
                .post(KEYCLOAK + "/realms/master/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        probeId = given().auth().oauth2(admin).queryParam("username", PROBE).queryParam("exact", true)
                .get(ADMIN_REALM + "/users").then().statusCode(200).extract().path("[0].id");
        given().auth().oauth2(admin).delete(ADMIN_REALM + "/attack-detection/brute-force/users/{id}", probeId)
                .then().statusCode(204);
    }

    @AfterEach
    void unlock() {
        given().auth().oauth2(admin).delete(ADMIN_REALM + "/attack-detection/brute-force/users/{id}", probeId);
    }

    @Test
    void theRunningRealmProtectsAgainstBruteForceAsTheRealmFileSays() throws IOException {
        JsonNode file = new ObjectMapper().readTree(REALM_FILE.toFile());
        JsonNode realm = new ObjectMapper().readTree(given().auth().oauth2(admin).get(ADMIN_REALM)
                .then().statusCode(200).extract().asString());

        assertTrue(file.path("bruteForceProtected").asBoolean(), "the checked-in realm has it on");
        for (String setting : new String[]{"bruteForceProtected", "permanentLockout", "failureFactor", "waitIncrementSeconds",
                "maxFailureWaitSeconds", "maxDeltaTimeSeconds", "quickLoginCheckMilliSeconds", "minimumQuickLoginWaitSeconds"}) {
            assertEquals(file.path(setting), realm.path(setting), setting + " in the running realm");
        }
    }

    @Test
    void afterFailureFactorWrongPasswordsEvenTheRightOneIsRefused() {
        int failureFactor = given().auth().oauth2(admin).get(ADMIN_REALM).then().extract().path("failureFactor");
        assertEquals(200, login(KeycloakTokens.PASSWORD).statusCode(), "the probe signs in before any failure");

        for (int attempt = 0; attempt < failureFactor; attempt++) {
            assertEquals(401, login("guess-" + attempt).statusCode());
        }

        Response locked = login(KeycloakTokens.PASSWORD);
        assertTrue(locked.statusCode() == 400 || locked.statusCode() == 401, "status " + locked.statusCode());
        given().auth().oauth2(admin).get(ADMIN_REALM + "/attack-detection/brute-force/users/{id}", probeId)
                .then().statusCode(200).body("disabled", is(true));
    }

    /** Why the accounts other tests share are safe: a stray wrong password is forgotten at the next sign-in. */
    @Test
    void aSuccessfulSignInForgetsEarlierFailures() throws InterruptedException {
        int failureFactor = given().auth().oauth2(admin).get(ADMIN_REALM).then().extract().path("failureFactor");
        int quickLoginMillis = given().auth().oauth2(admin).get(ADMIN_REALM).then().extract().path("quickLoginCheckMilliSeconds");

        for (int round = 0; round < 2; round++) {
            for (int attempt = 1; attempt < failureFactor; attempt++) {
                assertEquals(401, login("guess-" + attempt).statusCode());
                // Slower than a script: two failures closer than this lock at once, whatever their number.
                Thread.sleep(quickLoginMillis + 100L);
            }
            assertEquals(200, login(KeycloakTokens.PASSWORD).statusCode(), "round " + round);
        }
    }

    private static Response login(String password) {
        return given().formParam("grant_type", "password").formParam("client_id", "medforge-cli")
                .formParam("username", PROBE).formParam("password", password)
                .post(KeycloakTokens.ISSUER + "/protocol/openid-connect/token");
    }
}
