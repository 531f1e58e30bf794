package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The realm's OIDC token endpoint: the three grants the CLI uses, and sign-out. */
final class IdentityProvider {

    /** The public client humans sign in with; its tokens carry audience {@code gateway}. */
    static final String CLI_CLIENT = "medforge-cli";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    IdentityProvider(URI issuer) {
        this.issuer = issuer;
    }

    Tokens password(String username, String password) {
        return grant(CLI_CLIENT, username, form("grant_type", "password", "client_id", CLI_CLIENT, "username", username,
                "password", password), "sign-in");
    }

    Tokens refresh(Tokens current) {
        return grant(current.clientId(), current.username(), form("grant_type", "refresh_token", "client_id", current.clientId(),
                "refresh_token", current.refreshToken()), "refreshing the session");
    }

    Tokens clientCredentials(String clientId, String secret) {
        return grant(clientId, clientId, form("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret),
                "client-credentials sign-in");
    }

    /** Ends the session at the provider too, so a copied refresh token stops working; best effort. */
    boolean logout(Tokens tokens) {
        try {
            HttpResponse<String> response = post("/protocol/openid-connect/logout",
                    form("client_id", tokens.clientId(), "refresh_token", tokens.refreshToken()));
            return response.statusCode() / 100 == 2;
        } catch (CliException unreachable) {
            return false;
        }
    }

    private Tokens grant(String clientId, String username, Map<String, String> form, String what) {
        Instant now = Instant.now();
        HttpResponse<String> response = post("/protocol/openid-connect/token", form);
        JsonNode body = readJson(response.body());
        if (response.statusCode() / 100 == 4) {
            throw CliException.auth(what + " failed at " + issuer + ": "
                    + body.path("error_description").asText(body.path("error").asText("HTTP " + response.statusCode())));
        }
        if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
            throw CliException.server(what + " failed: the identity provider at " + issuer + " answered HTTP " + response.statusCode());
        }
        long refreshIn = body.path("refresh_expires_in").asLong(0);
        return new Tokens(issuer.toString(), clientId, username, body.get("access_token").asText(),
                now.getEpochSecond() + body.path("expires_in").asLong(0),
                body.hasNonNull("refresh_token") ? body.get("refresh_token").asText() : null,
                refreshIn > 0 ? now.getEpochSecond() + refreshIn : 0);
    }

    private HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + path)).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw CliException.server("cannot reach the identity provider at " + issuer + ": " + Http.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.server("interrupted");
        }
    }

    private static JsonNode readJson(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    private static Map<String, String> form(String... keyValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                form.put(keyValues[i], keyValues[i + 1]);
            }
        }
        return form;
    }
}
