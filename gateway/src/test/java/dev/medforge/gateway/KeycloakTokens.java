package dev.medforge.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Base64;
import java.util.Optional;

import static io.restassured.RestAssured.given;

/** Real tokens from the local Keycloak realm that {@code ./medforge test} starts. */
public final class KeycloakTokens {

    public static final String ISSUER = Optional.ofNullable(System.getenv("MEDFORGE_OIDC_ISSUER"))
            .orElse("http://127.0.0.1:8180/realms/medforge");
    public static final String PASSWORD = "medforge-dev";

    private KeycloakTokens() {
    }

    /** A user's access token through the public CLI client, as {@code medforge login} gets it. */
    public static String userToken(String username) {
        return given().formParam("grant_type", "password")
                .formParam("client_id", "medforge-cli")
                .formParam("username", username)
                .formParam("password", PASSWORD)
                .post(ISSUER + "/protocol/openid-connect/token")
                .then().statusCode(200)
                .extract().path("access_token");
    }

    /** The claims of a JWT, read without verifying it: the gateway is what verifies. */
    public static JsonNode claims(String jwt) {
        try {
            return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JWT: " + jwt, e);
        }
    }
}
