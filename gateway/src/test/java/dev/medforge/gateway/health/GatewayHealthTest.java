package dev.medforge.gateway.health;

import dev.medforge.contracts.testing.ServiceHealthContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class GatewayHealthTest extends ServiceHealthContract {

    @Test
    void isReadyOnlyWithTheIdentityProvider() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'OIDC Provider Health Check' }.status", is("UP"));
    }
}
