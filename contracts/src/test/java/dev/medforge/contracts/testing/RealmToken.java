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

/** A token of one identity of the local medforge realm, fetched when needed and reused until shortly before it expires. */
final class RealmToken {

    private static final String ISSUER = System.getenv().getOrDefault("MEDFORGE_OIDC_ISSUER",
            "http://127.0.0.1:8180/realms/medforge");

    /** Tests poll the registry many times a second; a token is reused until shortly before it expires. */
    private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(30);

    private record Token(String value, Instant renewAt) {
    }

    private final String who;
    private final String form;
    private volatile Token cached;

    private RealmToken(String who, String form) {
        this.who = who;
        this.form = form;
    }

    /** A confidential client's own token. The realm's local loopback secrets follow one pattern; they are never used outside it. */
    static RealmToken clientCredentials(String clientId) {
        return new RealmToken(clientId, "grant_type=client_credentials&client_id=" + clientId
                + "&client_secret=" + URLEncoder.encode(clientId + "-dev-secret", StandardCharsets.UTF_8));
    }

    /** A user's token through the public CLI client, as {@code medforge login --password} gets it; the realm's users share one local password. */
    static RealmToken password(String username) {
        return new RealmToken(username, "grant_type=password&client_id=medforge-cli&username="
                + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&password=medforge-dev");
    }

    String token() {
        Token token = cached;
        if (token == null || Instant.now().isAfter(token.renewAt())) {
            token = fetch();
            cached = token;
        }
        return token.value();
    }

    private Token fetch() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(who + " got no token (" + response.statusCode() + "): " + response.body());
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
}
