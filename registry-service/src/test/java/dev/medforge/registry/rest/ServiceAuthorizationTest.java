package dev.medforge.registry.rest;

import dev.medforge.contracts.Problem;
import dev.medforge.contracts.testing.ServiceIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Method;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static dev.medforge.registry.RegistryFixtures.DIGEST;
import static dev.medforge.registry.RegistryFixtures.as;
import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Only the services' own identities reach the registry, each only where its stage needs: the
 * pipeline services read, and every change comes through the gateway.
 */
@QuarkusTest
class ServiceAuthorizationTest {

    private static final String ISSUER = System.getenv().getOrDefault("MEDFORGE_OIDC_ISSUER",
            "http://127.0.0.1:8180/realms/medforge");

    private String branch;

    @BeforeEach
    void branch() {
        branch = branchWithTops();
    }

    @ParameterizedTest
    @CsvSource({
            "GET, /internal/branches/{b}",
            "GET, /internal/branches",
            "POST, /internal/branches",
            "PUT, /internal/branches/{b}/policy",
            "POST, /internal/branches/{b}/tasks",
            "GET, /internal/submissions/{b}",
            "GET, /internal/webhooks",
            "POST, /internal/webhooks",
    })
    void withoutATokenEveryCallIsUnauthorized(Method method, String path) {
        given().contentType(ContentType.JSON).body("{}").request(method, path.replace("{b}", branch)).then()
                .statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", "Bearer")
                .body("status", is(401));
    }

    @Test
    void aTokenThatIsNotAValidJwtIsUnauthorized() {
        given().auth().oauth2("not-a-token").get("/internal/branches/{b}", branch).then().statusCode(401);
    }

    /** hospital-a's automation has a valid realm token, but one issued for the gateway, not for the registry. */
    @Test
    void aUsersTokenForTheGatewayIsUnauthorized() {
        String hospitalToken = given().formParam("grant_type", "client_credentials")
                .formParam("client_id", "hospital-a-bot").formParam("client_secret", "hospital-a-bot-dev-secret")
                .post(ISSUER + "/protocol/openid-connect/token")
                .then().statusCode(200).extract().path("access_token");

        given().auth().oauth2(hospitalToken).get("/internal/branches/{b}", branch).then().statusCode(401);
    }

    /** Reads the pipeline services need: allowed, so the answer is the registry's own (200, or 404 for no version yet). */
    @ParameterizedTest
    @CsvSource({
            "MERGE, /internal/branches/{b}, 200",
            "MERGE, /internal/branches/{b}/tasks, 200",
            "MERGE, /internal/branches/{b}/versions/1, 404",
            "MERGE, /internal/branches/{b}/decisions/sha256:undecided, 404",
            "EVAL, /internal/branches/{b}, 200",
            "EVAL, /internal/branches/{b}/tasks, 200",
            "EVAL, /internal/branches/{b}/versions/1, 404",
            "INGEST, /internal/branches/{b}, 200",
            "INGEST, /internal/branches/{b}/tasks, 200",
    })
    void eachPipelineServiceReadsWhatItsStageNeeds(ServiceIdentity service, String path, int status) {
        as(service).get(path.replace("{b}", branch)).then().statusCode(status);
    }

    @ParameterizedTest
    @CsvSource({
            "INGEST, /internal/branches/{b}/versions/1",
            "MERGE, /internal/branches",
            "EVAL, /internal/branches/{b}/versions",
            "MERGE, /internal/branches/{b}/decisions",
            "EVAL, /internal/branches/{b}/decisions/sha256:undecided",
            "INGEST, /internal/branches/{b}/decisions/sha256:undecided",
            "INGEST, /internal/submissions/{b}",
            "MERGE, /internal/submissions/{b}",
            "MERGE, /internal/webhooks",
            "EVAL, /internal/webhooks",
            "INGEST, /internal/webhooks",
    })
    void aPipelineServiceCannotReadBeyondItsStage(ServiceIdentity service, String path) {
        forbidden(as(service).get(path.replace("{b}", branch)));
    }

    @ParameterizedTest
    @CsvSource({"MERGE", "EVAL", "INGEST"})
    void onlyTheGatewayChangesBranchesPoliciesAndTasks(ServiceIdentity service) {
        forbidden(as(service).contentType(ContentType.JSON)
                .body(Map.of("id", "b-forbidden", "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "{}")))
                .post("/internal/branches"));
        forbidden(as(service).contentType(ContentType.JSON).body(Map.of("strategy", "fallback"))
                .put("/internal/branches/{b}/policy", branch));
        forbidden(as(service).contentType(ContentType.JSON)
                .body(Map.of("name", "shoes", "institution", "hospital-b", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch));

        // Nothing of the refused changes happened.
        as(ServiceIdentity.GATEWAY).get("/internal/branches/{b}", branch).then().body("policy.strategy", is("fusion"));
        as(ServiceIdentity.GATEWAY).get("/internal/branches/{b}/tasks", branch).then().body("name", contains("tops"));
        as(ServiceIdentity.GATEWAY).get("/internal/branches/b-forbidden").then().statusCode(404);
    }

    @Test
    void healthStaysOpen() {
        given().get("/q/health/live").then().statusCode(200);
    }

    private static void forbidden(Response response) {
        response.then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("status", is(403));
    }
}
