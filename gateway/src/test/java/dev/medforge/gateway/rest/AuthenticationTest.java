package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every way of not being a valid caller is a 401 in the one error shape, never a stack trace. */
@QuarkusTest
class AuthenticationTest {

    private static final String PROTECTED = "/api/v1/branches";

    @Test
    void noTokenIs401ProblemDetails() {
        given().get(PROTECTED).then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("status", is(401));
    }

    @Test
    void aTokenSignedByAnotherKeyIs401() throws NoSuchAlgorithmException {
        String forged = forge(Instant.now().plusSeconds(600));
        given().auth().oauth2(forged).get(PROTECTED).then().statusCode(401).contentType("application/problem+json");
    }

    /**
     * Keycloak's tokens live 15 minutes and its key is not ours, so the expired token is signed by a
     * key of the test's own: it proves that an expired token is refused, not that expiry alone is.
     */
    @Test
    void anExpiredTokenIs401() throws NoSuchAlgorithmException {
        given().auth().oauth2(forge(Instant.now().minusSeconds(600))).get(PROTECTED).then()
                .statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aRealTokenForAnotherAudienceIs401() {
        String token = given().formParam("grant_type", "client_credentials")
                .formParam("client_id", "gateway")
                .formParam("client_secret", "gateway-dev-secret")
                .post(KeycloakTokens.ISSUER + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");
        JsonNode audience = KeycloakTokens.claims(token).path("aud");
        assertFalse(audience.toString().contains("\"gateway\""), "the token must not be for the gateway: " + audience);

        given().auth().oauth2(token).get(PROTECTED).then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void aValidTokenPasses() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get(PROTECTED).then().statusCode(200);
    }

    @Test
    void aWrongRoleIs403ProblemDetails() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get("/api/v1/ops/merge-workers").then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("title", is("Forbidden"));
    }

    @Test
    void anUnknownPathIs404ProblemDetailsAndBadJsonIs400WithoutAStackTrace() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer")).get("/api/v1/nothing-here").then()
                .statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(KeycloakTokens.userToken("ops")).contentType("application/json").body("{\"id\": ")
                .post("/api/v1/branches").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body(not(containsString("at com.fasterxml")));
    }

    /** A token like Keycloak's in every claim, signed by a key Keycloak never had. */
    private static String forge(Instant expiresAt) throws NoSuchAlgorithmException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey key = generator.generateKeyPair().getPrivate();
        return Jwt.issuer(KeycloakTokens.ISSUER)
                .audience("gateway")
                .subject("forged")
                .claim("preferred_username", "hospital-a")
                .claim("institution", "hospital-a")
                .claim("realm_access", Map.of("roles", List.of("contributor", "subscriber", "operator")))
                .issuedAt(expiresAt.minusSeconds(900))
                .expiresAt(expiresAt)
                .jws().keyId("forged-key")
                .sign(key);
    }
}
