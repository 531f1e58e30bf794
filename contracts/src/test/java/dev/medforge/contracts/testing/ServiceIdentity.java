package dev.medforge.contracts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * The services' identities in the local medforge realm (infra/keycloak/medforge-realm.json), for
 * tests that call the registry as one of them would. Fixtures that set up branches and tasks act as
 * the gateway, the only service allowed to change them.
 */
public enum ServiceIdentity {

    GATEWAY("svc-gateway"),
    MERGE("svc-merge"),
    EVAL("svc-eval"),
    INGEST("svc-ingest");

    private static final String ISSUER = System.getenv().getOrDefault("MEDFORGE_OIDC_ISSUER",
            "http://127.0.0.1:8180/realms/medforge");

    /** Tests poll the registry many times a second; a token is reused until shortly before it expires. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    private record Token(String value, Instant renewAt) {
    }

    private final String clientId;
    private volatile Token cached;

    ServiceIdentity(String clientId) {
        this.clientId = clientId;
    }

    /** A client-credentials access token of this identity. */
    public String token() {
        Token token = cached;
        if (token == null || Instant.now().isAfter(token.renewAt())) {
            token = fetch();
            cached = token;
        }
        return token.value();
    }

    private Token fetch() {
        // The realm's local loopback secrets follow one pattern; they are never used outside it.
        String form = "grant_type=client_credentials&client_id=" + clientId
                + "&client_secret=" + URLEncoder.encode(clientId + "-dev-secret", StandardCharsets.UTF_8);
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(clientId + " got no token (" + response.statusCode() + "): " + response.body());
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            return new Token(body.get("access_token").asText(),
                    Instant.now().plusSeconds(body.get("expires_in").asLong()).minus(EXPIRY_MARGIN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Authorization header value for {@link #token()}. */
    public String bearer() {
        return "Bearer " + token();
    }
}
