package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real Keycloak tokens against the real gateway security. */
@QuarkusTest
class CallerResourceTest {

    @Test
    void hospitalAsTokenCarriesItsInstitutionTheContributorRoleAndTheGatewayAudience() {
        JsonNode claims = KeycloakTokens.claims(KeycloakTokens.userToken("hospital-a"));

        assertEquals("hospital-a", claims.path("institution").asText());
        assertTrue(values(claims.path("realm_access").path("roles")).contains("contributor"), claims.toString());
        JsonNode audience = claims.path("aud");
        assertTrue(audience.isArray() ? values(audience).contains("gateway") : audience.asText().equals("gateway"), claims.toString());
    }

    @Test
    void theGatewayReadsTheInstitutionAndRolesFromTheToken() {
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a"))
                .get("/api/v1/me").then()
                .statusCode(200)
                .body("username", is("hospital-a"))
                .body("institution", is("hospital-a"))
                .body("roles", hasItems("contributor", "subscriber"))
                .body("roles", not(hasItems("operator")));
    }

    @Test
    void theViewerIsASubscriberOfClinicD() {
        given().auth().oauth2(KeycloakTokens.userToken("viewer"))
                .get("/api/v1/me").then()
                .statusCode(200)
                .body("institution", is("clinic-d"))
                .body("roles", hasItems("subscriber"))
                .body("roles", not(hasItems("contributor")));
    }

    @Test
    void theOperatorHasNoInstitution() {
        given().auth().oauth2(KeycloakTokens.userToken("ops"))
                .get("/api/v1/me").then()
                .statusCode(200)
                .body("institution", nullValue())
                .body("roles", hasItems("operator"));
    }

    @Test
    void noTokenOrAGarbledTokenIs401() {
        given().get("/api/v1/me").then().statusCode(401);
        given().auth().oauth2("not.a.token").get("/api/v1/me").then().statusCode(401);
    }

    private static List<String> values(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
