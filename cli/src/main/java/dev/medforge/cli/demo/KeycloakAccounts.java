package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Contributor accounts for the load benchmark, made through Keycloak's admin API. The realm file
 * holds three hospitals; a load test needs twenty or more institutions, each with its own
 * {@code institution} claim, and the local Keycloak forgets added users when it restarts (it
 * imports the realm into memory). So every run makes sure its accounts exist, and reuses them if
 * they do.
 */
final class KeycloakAccounts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> ROLES = List.of("contributor", "subscriber");

    private final URI keycloak;
    private final String realm;
    private final String adminToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private KeycloakAccounts(URI keycloak, String realm, String adminToken) {
        this.keycloak = keycloak;
        this.realm = realm;
        this.adminToken = adminToken;
    }

    /** Signs in to the master realm as its administrator (the local stack's bootstrap admin). */
    static KeycloakAccounts signIn(URI keycloak, String realm, String admin, String password) {
        HttpResponse<String> response = send(HttpClient.newHttpClient(), HttpRequest.newBuilder(keycloak.resolve("/realms/master/protocol/openid-connect/token"))
                .timeout(TIMEOUT).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=admin-cli&username=" + encode(admin)
                        + "&password=" + encode(password))).build(), "admin sign-in");
        if (response.statusCode() != 200) {
            throw CliException.auth("Keycloak at " + keycloak + " refused admin '" + admin + "' (HTTP " + response.statusCode()
                    + "); the load test makes its institutions' accounts with the realm administrator: pass --keycloak-admin"
                    + " and the password's --keycloak-admin-password-env");
        }
        return new KeycloakAccounts(keycloak, realm, read(response.body()).path("access_token").asText());
    }

    /** A contributor and subscriber whose {@code institution} claim is its username; created unless it exists. */
    void ensureContributor(String username, String password) {
        if (find(username) == null) {
            ObjectNode user = JSON.createObjectNode().put("username", username).put("enabled", true)
                    .put("email", username + "@example.org").put("emailVerified", true)
                    .put("firstName", "Loadtest").put("lastName", "Institution " + username);
            user.putObject("attributes").putArray("institution").add(username);
            user.putArray("credentials").addObject().put("type", "password").put("value", password).put("temporary", false);
            user.putArray("requiredActions");
            HttpResponse<String> created = call("POST", "/users", user);
            if (created.statusCode() != 201) {
                throw CliException.server("Keycloak did not create account " + username + " (HTTP " + created.statusCode() + "): "
                        + created.body());
            }
        }
        String id = find(username).path("id").asText();
        var roles = JSON.createArrayNode();
        for (String role : ROLES) {
            roles.add(read(expect(call("GET", "/roles/" + role, null), "role " + role).body()));
        }
        expect(call("POST", "/users/" + id + "/role-mappings/realm", roles), "roles of " + username);
    }

    private JsonNode find(String username) {
        JsonNode found = read(expect(call("GET", "/users?exact=true&username=" + encode(username), null), "account " + username).body());
        return found.size() == 0 ? null : found.get(0);
    }

    private HttpResponse<String> call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(keycloak.resolve("/admin/realms/" + realm + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminToken).header("Accept", "application/json");
        try {
            request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException("a Jackson tree always serialises", e);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return send(http, request.build(), method + " " + path);
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw CliException.server("Keycloak admin API, " + what + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request, String what) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw CliException.server("Keycloak at " + request.uri().resolve("/") + " does not answer (" + what + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.server("interrupted: " + what);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw CliException.server("Keycloak answered something that is not JSON: " + body);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
