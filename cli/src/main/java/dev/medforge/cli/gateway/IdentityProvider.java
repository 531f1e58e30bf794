package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The realm's OIDC endpoints: the grants the CLI uses (device, password, refresh, client credentials), and sign-out. */
final class IdentityProvider {

    /**
     * A device authorization in progress (RFC 8628): the person opens {@code verificationUriComplete}
     * in any browser, signs in there, and the CLI polls until the provider hands out the tokens.
     */
    record DeviceAuthorization(String deviceCode, String codeVerifier, String userCode, String verificationUri,
                               String verificationUriComplete, long expiresInSeconds, long intervalSeconds) {
    }

    /** The public client humans sign in with; its tokens carry audience {@code gateway}. */
    static final String CLI_CLIENT = "medforge-cli";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final URI issuer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    IdentityProvider(URI issuer) {
        this.issuer = issuer;
    }

    /** Starts a device sign-in, with PKCE (S256) as the realm requires of the public client. */
    DeviceAuthorization startDeviceAuthorization() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(ArtifactDigest.sha256(verifier.getBytes(StandardCharsets.US_ASCII)));
        HttpResponse<String> response = post("/protocol/openid-connect/auth/device", form("client_id", CLI_CLIENT, "scope", "openid",
                "code_challenge", challenge, "code_challenge_method", "S256"));
        JsonNode body = readJson(response.body());
        if (response.statusCode() != 200 || !body.hasNonNull("device_code")) {
            throw CliException.server("the identity provider at " + issuer + " refused a device sign-in: "
                    + body.path("error_description").asText(body.path("error").asText("HTTP " + response.statusCode())));
        }
        return new DeviceAuthorization(body.get("device_code").asText(), verifier, body.path("user_code").asText(),
                body.path("verification_uri").asText(), body.path("verification_uri_complete").asText(body.path("verification_uri").asText()),
                body.path("expires_in").asLong(600), Math.max(1, body.path("interval").asLong(5)));
    }

    /**
     * Polls the token endpoint at the provider's interval until the person has approved the
     * device, refused it, or the code expired.
     */
    Tokens awaitDeviceApproval(DeviceAuthorization device) {
        Instant deadline = Instant.now().plusSeconds(device.expiresInSeconds());
        long interval = device.intervalSeconds();
        Map<String, String> poll = form("grant_type", "urn:ietf:params:oauth:grant-type:device_code", "client_id", CLI_CLIENT,
                "device_code", device.deviceCode(), "code_verifier", device.codeVerifier());
        while (Instant.now().isBefore(deadline)) {
            sleep(Duration.ofSeconds(interval));
            Instant now = Instant.now();
            HttpResponse<String> response = post("/protocol/openid-connect/token", poll);
            JsonNode body = readJson(response.body());
            String error = body.path("error").asText("");
            if (response.statusCode() == 200 && body.hasNonNull("access_token")) {
                return tokens(CLI_CLIENT, null, body, now);
            }
            switch (error) {
                case "authorization_pending" -> { }
                // RFC 8628 3.5: the client must add 5 seconds to its interval.
                case "slow_down" -> interval += 5;
                case "access_denied" -> throw CliException.auth("device sign-in was refused in the browser");
                case "expired_token" -> throw CliException.auth("device sign-in expired before it was approved; run medforge login again");
                default -> throw CliException.auth("device sign-in failed at " + issuer + ": "
                        + body.path("error_description").asText(error.isEmpty() ? "HTTP " + response.statusCode() : error));
            }
        }
        throw CliException.auth("device sign-in expired before it was approved; run medforge login again");
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
        return tokens(clientId, username, body, now);
    }

    /** A token response as cached tokens; without a known {@code username}, the token's own says who signed in. */
    private Tokens tokens(String clientId, String username, JsonNode body, Instant issuedAt) {
        String accessToken = body.get("access_token").asText();
        String who = username != null ? username : LoginCommand.claims(accessToken).path("preferred_username").asText(clientId);
        long refreshIn = body.path("refresh_expires_in").asLong(0);
        return new Tokens(issuer.toString(), clientId, who, accessToken, issuedAt.getEpochSecond() + body.path("expires_in").asLong(0),
                body.hasNonNull("refresh_token") ? body.get("refresh_token").asText() : null,
                refreshIn > 0 ? issuedAt.getEpochSecond() + refreshIn : 0);
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.server("interrupted");
        }
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
