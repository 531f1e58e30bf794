package dev.medforge.contracts.testing;

import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

/**
 * What every MedForge service promises its operator: liveness, a readiness that includes the real
 * broker and the artifact store, and Prometheus metrics. Each service's test extends this under
 * {@code @QuarkusTest}, so the promise is checked against the service as it really starts.
 */
public abstract class ServiceHealthContract {

    @Test
    void isLive() {
        given().get("/q/health/live").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void isReadyOnlyWithTheBrokerAndTheArtifactStore() {
        given().get("/q/health/ready").then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'Kafka connection health check' }.status", is("UP"))
                .body("checks.find { it.name == 'artifact-store' }.status", is("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }
}
