package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.validation.Rules;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class OpenApiTest {

    /** Every operation of the public API, with the roles that may call it. */
    private static final Map<String, Set<String>> EXPECTED = Map.ofEntries(
            Map.entry("GET /api/v1/me", Set.of()),
            Map.entry("POST /api/v1/branches/{branch}/submissions", Set.of("contributor")),
            Map.entry("GET /api/v1/submissions/{id}", Set.of("contributor", "operator")),
            Map.entry("GET /api/v1/branches", Set.of("subscriber", "operator")),
            Map.entry("POST /api/v1/branches", Set.of("operator")),
            Map.entry("PATCH /api/v1/branches/{branch}/policy", Set.of("operator")),
            Map.entry("PUT /api/v1/branches/{branch}/policy", Set.of("operator")),
            Map.entry("POST /api/v1/branches/{branch}/tasks", Set.of("contributor")),
            Map.entry("GET /api/v1/branches/{branch}/versions", Set.of("subscriber")),
            Map.entry("GET /api/v1/branches/{branch}/versions/{version}", Set.of("subscriber")),
            Map.entry("GET /api/v1/branches/{branch}/versions/{from}...{to}", Set.of("subscriber")),
            Map.entry("GET /api/v1/branches/{branch}/versions/{version}/artifact", Set.of("subscriber")),
            Map.entry("GET /api/v1/branches/{branch}/base-model", Set.of("subscriber")),
            Map.entry("PUT /api/v1/branches/{branch}/versions/{version}/availability", Set.of("operator")),
            Map.entry("POST /api/v1/branches/{branch}/submissions/{id}/withdrawal", Set.of("contributor", "operator")),
            Map.entry("GET /api/v1/notifications", Set.of("subscriber")),
            Map.entry("POST /api/v1/webhooks", Set.of("subscriber")),
            Map.entry("GET /api/v1/webhooks", Set.of("subscriber")),
            Map.entry("DELETE /api/v1/webhooks/{id}", Set.of("subscriber")),
            Map.entry("GET /api/v1/webhooks/{id}/deliveries", Set.of("subscriber")),
            Map.entry("GET /api/v1/ops/merge-workers", Set.of("operator")),
            Map.entry("GET /api/v1/ops/timings", Set.of("operator")),
            Map.entry("GET /api/v1/ops/dlq", Set.of("operator")),
            Map.entry("POST /api/v1/ops/dlq/replay", Set.of("operator")),
            Map.entry("POST /api/v1/artifacts", Set.of("contributor", "operator")));

    @Test
    void listsEveryEndpointWithTheRolesThatMayCallIt() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        List<String> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String key = op.getKey().toUpperCase() + " " + path.getKey();
            operations.add(key);
            JsonNode security = op.getValue().path("security");
            assertTrue(security.isArray() && !security.isEmpty(), key + " has no security requirement");
            Set<String> roles = new TreeSet<>();
            security.forEach(requirement -> requirement.path("keycloak").forEach(role -> roles.add(role.asText())));
            assertEquals(new TreeSet<>(EXPECTED.getOrDefault(key, Set.of("?"))), roles, key);
        }));
        assertEquals(new TreeSet<>(EXPECTED.keySet()), new TreeSet<>(operations));
    }

    /**
     * Issue 15: a client generated from the document knows the shape of every answer. Each success
     * with a body and each client error has a schema, every error is a problem (RFC 9457), and the
     * errors every secured operation can give are listed.
     */
    @Test
    void everySuccessWithABodyAndEveryClientErrorHasASchemaAndErrorsAreProblems() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        JsonNode problem = document.path("components").path("schemas").path("Problem").path("properties");
        assertEquals(new TreeSet<>(List.of("type", "title", "status", "detail", "instance", "errors")), fieldNames(problem));
        List<String> missing = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String key = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode responses = op.getValue().path("responses");
            for (String code : List.of("401", "403")) {
                if (!responses.has(code) && !(code.equals("403") && key.equals("GET /api/v1/me"))) {
                    missing.add(key + " " + code + " not listed");
                }
            }
            if (path.getKey().contains("{") && !responses.has("404")) {
                missing.add(key + " 404 not listed");
            }
            responses.fields().forEachRemaining(response -> {
                String code = response.getKey();
                JsonNode content = response.getValue().path("content");
                if (code.startsWith("4")) {
                    JsonNode schema = content.path("application/problem+json").path("schema");
                    if (!schema.path("$ref").asText().endsWith("/Problem")) {
                        missing.add(key + " " + code + " is not a problem");
                    }
                    if (!content.path("application/problem+json").path("example").path("status").asText().equals(code)) {
                        missing.add(key + " " + code + " has no example of its own status");
                    }
                } else if (code.startsWith("2") && !code.equals("204")) {
                    if (content.isEmpty()) {
                        missing.add(key + " " + code + " has no content");
                    }
                    content.fields().forEachRemaining(media -> {
                        JsonNode schema = media.getValue().path("schema");
                        if (!schema.has("$ref") && !schema.has("type")) {
                            missing.add(key + " " + code + " " + media.getKey() + " has no schema");
                        }
                    });
                }
            });
        }));
        assertEquals(List.of(), missing);
    }

    /** Issue 15: the request records' Bean Validation constraints are the document's, so a client sees each rule before it sends. */
    @Test
    void theRequestBodiesShowTheirFieldsRules() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        JsonNode schemas = document.path("components").path("schemas");
        assertEquals("#/components/schemas/CreateBranch", document.path("paths").path("/api/v1/branches").path("post")
                .path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText());
        assertEquals(Rules.NAME, schemas.path("CreateBranch").path("properties").path("id").path("pattern").asText());
        assertTrue(schemas.path("CreateBranch").path("required").toString().contains("\"id\""), schemas.path("CreateBranch").toString());
        assertEquals(Rules.DIGEST, schemas.path("RegisterTask").path("properties").path("evaluationSuite").path("pattern").asText());
        assertEquals(2, schemas.path("RegisterTask").path("properties").path("classNames").path("minItems").asInt());
        JsonNode auc = schemas.path("PolicyRequest").path("properties").path("maxMembershipAuc");
        assertEquals(0.5, auc.path("minimum").asDouble(), 1e-12, auc.toString());
        assertEquals(1.0, auc.path("maximum").asDouble(), 1e-12, auc.toString());
        assertEquals(500, schemas.path("AvailabilityRequest").path("properties").path("reason").path("maxLength").asInt());
    }

    /** Swagger UI's "Authorize" finds Keycloak through the document: the scheme's discovery URL must answer. */
    @Test
    void theSecuritySchemeIsKeycloaksOpenIdConnectDiscovery() throws Exception {
        JsonNode document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
        JsonNode scheme = document.path("components").path("securitySchemes").path("keycloak");
        assertEquals("openIdConnect", scheme.path("type").asText());
        JsonNode discovery = new ObjectMapper().readTree(given().get(scheme.path("openIdConnectUrl").asText())
                .then().statusCode(200).extract().asString());
        assertTrue(discovery.path("code_challenge_methods_supported").toString().contains("S256"), discovery.toString());
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
