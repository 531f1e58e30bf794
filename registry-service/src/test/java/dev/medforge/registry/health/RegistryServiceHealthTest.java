package dev.medforge.registry.health;

import dev.medforge.contracts.testing.ServiceHealthContract;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class RegistryServiceHealthTest extends ServiceHealthContract {

    @Test
    void isReadyOnlyWithPostgres() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("checks.find { it.name == 'Reactive PostgreSQL connections health check' }.status", is("UP"));
    }
}
