package dev.medforge.pipeline;

import java.util.Optional;

import static io.restassured.RestAssured.given;

/** Real access tokens from the local Keycloak realm that {@code ./medforge test} starts. */
final class KeycloakTokens {

    static final String ISSUER = Optional.ofNullable(System.getenv("MEDFORGE_OIDC_ISSUER"))
            .orElse("http://127.0.0.1:8180/realms/medforge");

    private KeycloakTokens() {
    }

    /** A local user's token through the public CLI client (password grant), as {@code medforge login} gets it. */
    static String user(String username) {
        return given().formParam("grant_type", "password")
                .formParam("client_id", "medforge-cli")
                .formParam("username", username)
                .formParam("password", "medforge-dev")
                .post(ISSUER + "/protocol/openid-connect/token")
                .then().statusCode(200)
                .extract().path("access_token");
    }
}
