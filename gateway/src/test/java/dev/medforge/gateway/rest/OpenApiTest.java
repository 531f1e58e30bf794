package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
}
