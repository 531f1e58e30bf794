package dev.medforge.registry.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.DIGEST;
import static dev.medforge.registry.RegistryFixtures.newBranch;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

@QuarkusTest
class BranchResourceTest {

    @Test
    void aNewBranchGetsTheDefaultPolicyAndNoVersions() {
        String branch = newBranch();

        asGateway().get("/internal/branches/{b}", branch).then()
                .statusCode(200)
                .body("baseModel", is("vit-tiny-test"))
                .body("policy.strategy", is("fusion"))
                .body("policy.maxRegression", is(2.0f))
                .body("policy.maxNewTaskGap", is(5.0f))
                .body("headVersion", is(0));
        asGateway().get("/internal/branches").then().body("id", hasItem(branch));
    }

    @Test
    void anInvalidBranchIsRefusedNamingEveryField() {
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", "Bad Name!", "baseModel", Map.of("id", "vit", "digest", "md5:1"),
                        "policy", Map.of("strategy", "average", "maxRegression", -1)))
                .post("/internal/branches").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("id", "baseModel.digest", "baseModel.architecture",
                        "policy.strategy", "policy.maxRegression"))
                .body("errors.find { it.field == 'policy.strategy' }.code", is("UNKNOWN_STRATEGY"));
    }

    @Test
    void aBranchCannotBeCreatedTwice() {
        String branch = newBranch();
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", branch, "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "{}")))
                .post("/internal/branches").then()
                .statusCode(409)
                .body("detail", is("branch '" + branch + "' exists already"));
    }

    @Test
    void thePolicyCanBeChangedFieldByField() {
        String branch = newBranch();
        asGateway().contentType(ContentType.JSON).body(Map.of("strategy", "fallback", "maxRegression", 1.0))
                .put("/internal/branches/{b}/policy", branch).then()
                .statusCode(200)
                .body("policy.strategy", is("fallback"))
                .body("policy.maxRegression", is(1.0f))
                .body("policy.maxNewTaskGap", is(5.0f));
    }

    /** Issue 9: a Jackson type mismatch was a bare 400 or a 500, which the gateway could only pass on as a 502. */
    @Test
    void wrongJsonTypesAreProblemDetailsNamingTheField() {
        String branch = newBranch();
        asGateway().contentType(ContentType.JSON).body(Map.of("maxRegression", "two points"))
                .put("/internal/branches/{b}/policy", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("WRONG_TYPE"))
                .body("errors[0].field", is("maxRegression"))
                .body("errors[0].message", is("must be a number"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", List.of("b")), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", is("classNames[1]"))
                .body("errors[0].message", is("must be a string"));
        asGateway().contentType(ContentType.JSON).body("{\"strategy\": ")
                .put("/internal/branches/{b}/policy", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("INVALID_JSON"));
    }

    /** Issue 9: a NUL byte reached PostgreSQL, whose refusal came back as a 500. */
    @Test
    void aNulByteInAnIdOrABodyStringIsA400NamingItAndChangesNothing() {
        String branch = newBranch();
        asGateway().get("/internal/branches/{b}", "ma\u0000in").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("CONTROL_CHARACTER"))
                .body("errors[0].field", is("branch"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", "b\u0000c"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("CONTROL_CHARACTER"))
                .body("errors[0].field", is("classNames[1]"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "to\u0000ps", "institution", "hospital-a", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(400)
                .body("errors[0].field", is("name"));
        asGateway().get("/internal/branches/{b}/tasks", branch).then().statusCode(200).body("size()", is(0));
    }

    @Test
    void tasksRegisterOnceAndAConflictingRegistrationIsRefused() {
        String branch = newBranch();
        Map<String, Object> tops = Map.of("name", "tops", "institution", "hospital-a",
                "classNames", List.of("T-shirt/top", "Pullover", "Coat", "Shirt"), "evaluationSuite", DIGEST);
        asGateway().contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then().statusCode(201);
        asGateway().contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then().statusCode(201);
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-b", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(409)
                .body("detail", is("task 'tops' on branch '" + branch + "' is registered by another institution; choose another name"))
                .body("detail", not(containsString("hospital-a")));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(409)
                .body("detail", is("task 'tops' is registered already by your institution with other classes or evaluation suite"));

        asGateway().get("/internal/branches/{b}/tasks", branch).then()
                .statusCode(200)
                .body("name", containsInAnyOrder("tops"))
                .body("[0].classNames[1]", is("Pullover"));
    }

    @Test
    void aTaskOnAnUnknownBranchOrAnUnknownVersionIs404() {
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", "no-such-branch").then()
                .statusCode(404)
                .body("title", is("Branch not found"));
        asGateway().get("/internal/branches/{b}/versions/7", newBranch()).then().statusCode(404);
    }
}
