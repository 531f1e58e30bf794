package dev.medforge.registry.rest;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.testing.ServiceIdentity;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.medforge.registry.RegistryFixtures.adapter;
import static dev.medforge.registry.RegistryFixtures.artifact;
import static dev.medforge.registry.RegistryFixtures.as;
import static dev.medforge.registry.RegistryFixtures.asGateway;
import static dev.medforge.registry.RegistryFixtures.branchWithTops;
import static dev.medforge.registry.RegistryFixtures.onBehalfOf;
import static dev.medforge.registry.RegistryFixtures.DIGEST;
import static dev.medforge.registry.RegistryFixtures.newBranch;
import static dev.medforge.registry.RegistryFixtures.publish;
import static dev.medforge.registry.RegistryFixtures.registerTask;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
                .body("policy.maxMembershipAuc", is(0.6f))
                .body("policy.minNearestRealRatio", is(0.5f))
                .body("policy.maxDistilledPerClass", is(50))
                .body("policy.privacyAuditRequired", is(false))
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
    void anArchitectureThatIsNotAJsonObjectIsRefusedNamingTheField() {
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", "b-" + java.util.UUID.randomUUID().toString().substring(0, 8), "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "width=64")))
                .post("/internal/branches").then()
                .statusCode(400)
                .body("errors.field", contains("baseModel.architecture"))
                .body("errors[0].code", is("INVALID_JSON"));
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

    /** Issue 13: the privacy rules ingest enforces are the branch's, set by the operator like the gate's. */
    @Test
    void thePrivacyRulesArePartOfThePolicyAndOutOfRangeOnesAreRefusedNamingTheField() {
        String branch = newBranch();
        asGateway().contentType(ContentType.JSON).body(Map.of("maxMembershipAuc", 0.55, "privacyAuditRequired", true))
                .put("/internal/branches/{b}/policy", branch).then()
                .statusCode(200)
                .body("policy.maxMembershipAuc", is(0.55f))
                .body("policy.privacyAuditRequired", is(true))
                .body("policy.minNearestRealRatio", is(0.5f))
                .body("policy.maxDistilledPerClass", is(50));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("maxMembershipAuc", 0.4, "minNearestRealRatio", -0.1, "maxDistilledPerClass", 0))
                .put("/internal/branches/{b}/policy", branch).then()
                .statusCode(400)
                .body("errors.field", containsInAnyOrder("policy.maxMembershipAuc", "policy.minNearestRealRatio",
                        "policy.maxDistilledPerClass"))
                .body("errors.code", org.hamcrest.Matchers.everyItem(is("OUT_OF_RANGE")));
        asGateway().get("/internal/branches/{b}", branch).then().body("policy.maxMembershipAuc", is(0.55f));
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

    /**
     * Issue 9: the institution a task is registered for comes from the user's own token, which the
     * gateway forwards, never from the body alone: the gateway's identity cannot register a task for
     * an institution whose user did not ask.
     */
    @Test
    void aTaskIsRegisteredOnlyForTheInstitutionOfTheUserWhoseTokenIsForwarded() {
        String branch = newBranch();
        Map<String, Object> tops = Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST);
        asGateway().contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(401).contentType("application/problem+json")
                .body("errors[0].code", is("ON_BEHALF_OF_REQUIRED"))
                .body("errors[0].field", is("header " + OnBehalfOf.HEADER));
        asGateway().header(OnBehalfOf.HEADER, "not-a-token").contentType(ContentType.JSON).body(tops)
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(401).body("errors[0].code", is("ON_BEHALF_OF_INVALID"));
        // A real token of the realm, but the gateway's own service identity's, not a user's for the gateway.
        asGateway().header(OnBehalfOf.HEADER, ServiceIdentity.GATEWAY.token()).contentType(ContentType.JSON).body(tops)
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(401).body("errors[0].code", is("ON_BEHALF_OF_INVALID"));
        onBehalfOf("hospital-b").contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(403).contentType("application/problem+json")
                .body("errors[0].code", is("ON_BEHALF_OF_MISMATCH"))
                .body("errors[0].field", is("institution"))
                .body("errors[0].message", is("names 'hospital-a' but the user's token is for 'hospital-b'"));
        onBehalfOf("ops").contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(403).body("errors[0].message", is("the user's token carries no institution claim"));
        asGateway().get("/internal/branches/{b}/tasks", branch).then().statusCode(200).body("size()", is(0));

        onBehalfOf("hospital-a").contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(201).body("institution", is("hospital-a"));
    }

    /**
     * Issue 15: a field's own rules are Bean Validation constraints on the request record in
     * contracts; each broken one is named with its field, its JSON Pointer and its rule's code,
     * together with the rules the registry checks in code, before anything else is looked at.
     */
    @Test
    void aTaskBreakingFieldRulesIsRefusedNamingEachWithItsCode() {
        String branch = newBranch();
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "Tops!", "classNames", List.of("shirt", " "), "evaluationSuite", "md5:1"))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", contains("classNames[1]", "evaluationSuite", "name", "institution"))
                .body("errors.code", contains("REQUIRED", "DIGEST_FORMAT", "NAME_FORMAT", "REQUIRED"))
                .body("errors[0].pointer", is("/classNames/1"))
                .body("errors[2].message", is("lowercase letters, digits, '.', '_' or '-', at most 64, got 'Tops!'"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("shirt"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(400).body("errors.code", contains("TOO_FEW")).body("errors.field", contains("classNames"));
    }

    @Test
    void tasksRegisterOnceAndAConflictingRegistrationIsRefused() {
        String branch = newBranch();
        Map<String, Object> tops = Map.of("name", "tops", "institution", "hospital-a",
                "classNames", List.of("T-shirt/top", "Pullover", "Coat", "Shirt"), "evaluationSuite", DIGEST);
        onBehalfOf("hospital-a").contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then().statusCode(201);
        onBehalfOf("hospital-a").contentType(ContentType.JSON).body(tops).post("/internal/branches/{b}/tasks", branch).then().statusCode(201);
        onBehalfOf("hospital-b").contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-b", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", branch).then()
                .statusCode(409)
                .body("detail", is("task 'tops' on branch '" + branch + "' is registered by another institution; choose another name"))
                .body("detail", not(containsString("hospital-a")));
        onBehalfOf("hospital-a").contentType(ContentType.JSON)
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
    void aTaskOrDecisionsOfAnUnknownBranchOrAnUnknownVersionIs404() {
        onBehalfOf("hospital-a").contentType(ContentType.JSON)
                .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", List.of("a", "b"), "evaluationSuite", DIGEST))
                .post("/internal/branches/{b}/tasks", "no-such-branch").then()
                .statusCode(404)
                .body("title", is("Not Found"))
                .body("detail", is("no branch 'no-such-branch'"))
                .body("instance", is("/internal/branches/no-such-branch/tasks"));
        asGateway().get("/internal/branches/{b}/versions/7", newBranch()).then().statusCode(404);
        asGateway().get("/internal/branches/{b}/decisions", "no-such-branch").then()
                .statusCode(404)
                .body("detail", is("no branch 'no-such-branch'"));
        asGateway().get("/internal/branches/{b}/decisions", newBranch()).then().statusCode(200).body("", hasSize(0));
    }

    /**
     * Issue 15: a branch's versions page by cursor. Each page names the next in a Link header (RFC
     * 8288) until the last; without a limit the list is whole, as callers before paging expect; a
     * cursor or limit out of range is named.
     */
    @Test
    void versionsPageByCursorAndEachPageNamesTheNext() {
        String branch = branchWithTops();
        for (int parent = 0; parent < 3; parent++) {
            publish(branch, parent, List.of(adapter("sub-a-" + UUID.randomUUID(), "hospital-a", "tops")), artifact(parent + 1));
        }
        asGateway().queryParam("limit", 2).get("/internal/branches/{b}/versions", branch).then()
                .statusCode(200).body("version", contains(1, 2))
                .header("Link", is("</internal/branches/" + branch + "/versions?after=2&limit=2>; rel=\"next\""));
        List<Map<String, Object>> last = asGateway().queryParam("after", 2).queryParam("limit", 2).get("/internal/branches/{b}/versions", branch)
                .then().statusCode(200).body("version", contains(3)).header("Link", nullValue()).extract().jsonPath().getList("$");
        List<Map<String, Object>> all = asGateway().get("/internal/branches/{b}/versions", branch).then()
                .statusCode(200).body("version", contains(1, 2, 3)).header("Link", nullValue()).extract().jsonPath().getList("$");
        // A page reads the lineage up to its own last version only; each version must still read as in the whole list.
        assertEquals(all.subList(2, 3), last);
        assertEquals(all.subList(1, 2), asGateway().queryParam("after", 1).queryParam("limit", 1)
                .get("/internal/branches/{b}/versions", branch).then().statusCode(200).extract().jsonPath().getList("$"));
        asGateway().queryParam("after", -1).queryParam("limit", 501).get("/internal/branches/{b}/versions", branch).then()
                .statusCode(400).body("errors.field", contains("after", "limit")).body("errors.code", everyItem(is("OUT_OF_RANGE")));
    }

    /**
     * Issue 15: the branches page by id like the versions by number. Other tests' branches share the
     * database, so these three carry a prefix no other can have, and the first cursor sorts right
     * before them.
     */
    @Test
    void branchesPageByIdAndEachPageNamesTheNext() {
        String prefix = "pg-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (String suffix : List.of("c", "ab", "a", "b", "a-b")) {
            newBranch(prefix + suffix, Map.of());
        }
        // By code point, as Java compares the cursor: '-' sorts before the letters, where a language collation would skip it.
        asGateway().queryParam("after", prefix).queryParam("limit", 2).get("/internal/branches").then()
                .statusCode(200).body("id", contains(prefix + "a", prefix + "a-b"))
                .header("Link", is("</internal/branches?after=" + prefix + "a-b&limit=2>; rel=\"next\""));
        asGateway().queryParam("after", prefix + "a-b").queryParam("limit", 2).get("/internal/branches").then()
                .statusCode(200).body("id", contains(prefix + "ab", prefix + "b"));
        asGateway().queryParam("after", prefix + "b").queryParam("limit", 1).get("/internal/branches").then()
                .statusCode(200).body("id", contains(prefix + "c"));
        asGateway().queryParam("after", "~").queryParam("limit", 2).get("/internal/branches").then()
                .statusCode(200).body("size()", is(0)).header("Link", nullValue());
        asGateway().get("/internal/branches").then()
                .statusCode(200).body("id", hasItems(prefix + "a", prefix + "a-b", prefix + "ab", prefix + "b", prefix + "c"))
                .header("Link", nullValue());
        asGateway().queryParam("limit", 0).get("/internal/branches").then()
                .statusCode(400).body("errors[0].field", is("limit")).body("errors[0].code", is("OUT_OF_RANGE"));
    }

    /**
     * Issue 14, fork: {@code git branch} at a tag. The fork at version 2 of a three-version branch
     * starts with that version's composite as its version 1, keeps each task's owner and the
     * source's policy except what the request sets, and leaves the source exactly as it was.
     */
    @Test
    void aForkAtVersionTwoStartsFromThatCompositeWithTheTasksAndPolicyAndLeavesTheSourceAlone() {
        String source = newBranch(Map.of("strategy", "mixture", "maxRegression", 3.0));
        registerTask(source, "tops", "hospital-a");
        registerTask(source, "footwear", "hospital-b");
        AdapterRef tops = adapter("sub-a-" + UUID.randomUUID(), "hospital-a", "tops");
        AdapterRef footwear = adapter("sub-b-" + UUID.randomUUID(), "hospital-b", "footwear");
        AdapterRef topsAgain = adapter("sub-a-" + UUID.randomUUID(), "hospital-a", "tops");
        publish(source, 0, List.of(tops), artifact(1));
        publish(source, 1, List.of(footwear), artifact(2));
        publish(source, 2, List.of(topsAgain), artifact(3));
        JsonPath sourceV2 = asGateway().get("/internal/branches/{b}/versions/2", source).then().statusCode(200).extract().jsonPath();
        String sourceBefore = asGateway().get("/internal/branches/{b}", source).asString();
        String sourceVersionsBefore = asGateway().get("/internal/branches/{b}/versions", source).asString();

        String fork = "fork-" + UUID.randomUUID().toString().substring(0, 8);
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", 2, "policy", Map.of("maxRegression", 1.0)))
                .post("/internal/branches").then()
                .statusCode(201)
                .header("Location", endsWith("/internal/branches/" + fork))
                .body("headVersion", is(1))
                .body("forkedFrom.branch", is(source))
                .body("forkedFrom.version", is(2))
                .body("baseModel", is("vit-tiny-test"))
                .body("policy.strategy", is("mixture"))
                .body("policy.maxRegression", is(1.0f))
                .body("policy.maxNewTaskGap", is(5.0f));

        asGateway().get("/internal/branches/{b}/tasks", fork).then()
                .statusCode(200)
                .body("name", contains("footwear", "tops"))
                .body("institution", contains("hospital-b", "hospital-a"));
        asGateway().get("/internal/branches/{b}/versions", fork).then().statusCode(200).body("version", contains(1));
        asGateway().get("/internal/branches/{b}/versions/1", fork).then()
                .statusCode(200)
                .body("parentVersion", is(0))
                .body("artifact", is(artifact(2)))
                .body("artifact", is(sourceV2.getString("artifact")))
                .body("strategy", is(sourceV2.getString("strategy")))
                .body("metrics", is(sourceV2.getMap("metrics")))
                .body("coefficients", is(sourceV2.getMap("coefficients")))
                .body("adapters.submissionId", contains(tops.submissionId(), footwear.submissionId()))
                .body("added", contains(tops.submissionId(), footwear.submissionId()))
                .body("institutions", contains("hospital-a", "hospital-b"))
                .body("forkedFrom.branch", is(source))
                .body("forkedFrom.version", is(2))
                .body("compositeId", not(sourceV2.getString("compositeId")));
        String forkComposite = asGateway().get("/internal/branches/{b}/versions/1", fork).path("compositeId");
        asGateway().get("/internal/branches/{b}", fork).then().body("headCompositeId", is(forkComposite));

        assertEquals(sourceBefore, asGateway().get("/internal/branches/{b}", source).asString());
        assertEquals(sourceVersionsBefore, asGateway().get("/internal/branches/{b}/versions", source).asString());
        asGateway().get("/internal/branches/{b}", source).then().body("forkedFrom", nullValue());
    }

    @Test
    void aForkOfAnUnknownBranchOrVersionIs422NamingTheFieldAndCreatesNothing() {
        String source = newBranch();
        String fork = "fork-" + UUID.randomUUID().toString().substring(0, 8);
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", "no-such-branch", "fromVersion", 1))
                .post("/internal/branches").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_BRANCH"))
                .body("errors[0].field", is("fromBranch"))
                .body("detail", is("no branch 'no-such-branch' to fork"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", fork, "fromBranch", source, "fromVersion", 1))
                .post("/internal/branches").then()
                .statusCode(422).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_VERSION"))
                .body("errors[0].field", is("fromVersion"))
                .body("detail", is("branch '" + source + "' has no published version 1"));
        asGateway().get("/internal/branches/{b}", fork).then().statusCode(404);
    }

    @Test
    void anIncompleteForkRequestIsRefusedNamingEveryFieldAndOnlyTheGatewayMayFork() {
        String source = newBranch();
        Map<String, Object> wrong = new HashMap<>(Map.of("id", "fork-x", "fromVersion", 0,
                "baseModel", Map.of("id", "vit-tiny-test", "digest", DIGEST, "architecture", "{}")));
        asGateway().contentType(ContentType.JSON).body(wrong)
                .post("/internal/branches").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors.field", containsInAnyOrder("fromBranch", "fromVersion", "baseModel"))
                .body("errors.find { it.field == 'fromBranch' }.code", is("REQUIRED"))
                .body("errors.find { it.field == 'fromVersion' }.code", is("OUT_OF_RANGE"))
                .body("errors.find { it.field == 'baseModel' }.code", is("NOT_ALLOWED"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", "fork-x", "fromBranch", source))
                .post("/internal/branches").then()
                .statusCode(400)
                .body("errors.field", contains("fromVersion"))
                .body("errors[0].code", is("REQUIRED"));
        asGateway().contentType(ContentType.JSON)
                .body(Map.of("id", source, "fromBranch", source, "fromVersion", 1))
                .post("/internal/branches").then()
                .statusCode(409);
        as(ServiceIdentity.MERGE).contentType(ContentType.JSON)
                .body(Map.of("id", "fork-x", "fromBranch", source, "fromVersion", 1))
                .post("/internal/branches").then()
                .statusCode(403).contentType("application/problem+json");
    }
}
