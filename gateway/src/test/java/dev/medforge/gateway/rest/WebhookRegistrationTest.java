package dev.medforge.gateway.rest;

import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.TestNameServer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * Registration through the real gateway, Keycloak and registry. No webhook registered here is ever
 * delivered to: the refused ones do not exist, and the admitted ones name hosts under the reserved
 * {@code .test} domain (see {@link TestNameServer}), which the HTTP client cannot resolve.
 */
@QuarkusTest
class WebhookRegistrationTest {

    @Inject
    TestNameServer nameServer;

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1:8081/api/v1/branches, WEBHOOK_URL_INTERNAL",
            "http://localhost:8180/admin/realms, WEBHOOK_URL_INTERNAL",
            "http://[::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://10.0.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://169.254.169.254/latest/meta-data, WEBHOOK_URL_INTERNAL",
            "http://[::ffff:127.0.0.1]/hook, WEBHOOK_URL_INTERNAL",
            "http://0.0.0.0:8081/hook, WEBHOOK_URL_INTERNAL",
            "http://2130706433/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://0x7f000001/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://0177.0.0.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://127.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://user@127.0.0.2/hook, WEBHOOK_URL_USERINFO",
            "http://user@hooks.medforge.test/hook, WEBHOOK_URL_USERINFO",
    })
    void anInternalAddressInAnyFormIsRefusedWithTheRuleAndTheField(String url, String rule) {
        register(KeycloakTokens.userToken("viewer"), url)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].code", is(rule))
                .body("errors[0].field", is("url"));
    }

    @Test
    void aNameResolvingToAnInternalAddressIsRefusedNamingTheAddress() {
        nameServer.answer("registry.medforge.test", "127.0.0.1");

        register(KeycloakTokens.userToken("viewer"), "http://registry.medforge.test:8081/api/v1/branches")
                .statusCode(400)
                .body("errors[0].code", is("WEBHOOK_URL_INTERNAL"))
                .body("errors[0].message", containsString("127.0.0.1"));
    }

    /** 127.0.0.2 is on the allow-list of the tests' profile only; the default list is empty. */
    @Test
    void anAllowListedInternalHostIsAdmittedAndItsNeighbourIsNot() {
        String token = KeycloakTokens.userToken("viewer");
        register(token, "http://127.0.0.3:9/hook")
                .statusCode(400)
                .body("errors[0].code", is("WEBHOOK_URL_INTERNAL"));
        String id = register(token, "http://127.0.0.2:9/hook")
                .statusCode(201)
                .extract().path("id");
        given().auth().oauth2(token).delete("/api/v1/webhooks/{id}", id).then().statusCode(204);
    }

    @Test
    void aPublicAddressIsAdmittedUpToFivePerSubscriberAndTheSixthIsAConflict() {
        String token = KeycloakTokens.userToken("ops");
        nameServer.answer("public.medforge.test", "93.184.216.34");
        List<String> created = new ArrayList<>();
        try {
            int held = given().auth().oauth2(token).get("/api/v1/webhooks").then().statusCode(200)
                    .extract().jsonPath().getList("").size();
            for (int i = held; i < 5; i++) {
                created.add(register(token, "https://public.medforge.test/hook/" + i)
                        .statusCode(201)
                        .body("secret", containsString("whsec_"))
                        .extract().path("id"));
            }

            register(token, "https://public.medforge.test/hook/6")
                    .statusCode(409)
                    .contentType("application/problem+json")
                    .body("errors[0].code", is("WEBHOOK_LIMIT"))
                    .body("errors[0].field", is("url"));
            // The limit is each subscriber's own.
            String viewer = KeycloakTokens.userToken("viewer");
            String viewersOwn = register(viewer, "https://public.medforge.test/hook/viewer")
                    .statusCode(201)
                    .extract().path("id");
            given().auth().oauth2(viewer).delete("/api/v1/webhooks/{id}", viewersOwn).then().statusCode(204);
        } finally {
            created.forEach(id -> given().auth().oauth2(token).delete("/api/v1/webhooks/{id}", id).then().statusCode(204));
        }
    }

    private static ValidatableResponse register(String token, String url) {
        return given().auth().oauth2(token).contentType(ContentType.JSON)
                .body(Map.of("url", url))
                .post("/api/v1/webhooks").then();
    }
}
