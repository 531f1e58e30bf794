package dev.medforge.cli.gateway;

import java.time.Instant;

/**
 * What the identity provider handed out, with absolute expiry times (epoch seconds) so a later
 * command can tell whether the access token is still good without asking anyone.
 *
 * @param refreshExpiresAt 0 when the provider gave no refresh expiry
 */
public record Tokens(String issuer, String clientId, String username, String accessToken, long expiresAt,
                     String refreshToken, long refreshExpiresAt) {

    /** Margin before expiry within which a token counts as expired: it must survive the request it is sent with. */
    static final long MARGIN_SECONDS = 30;

    boolean accessValid(Instant now) {
        return accessToken != null && now.getEpochSecond() + MARGIN_SECONDS < expiresAt;
    }

    boolean refreshValid(Instant now) {
        return refreshToken != null && (refreshExpiresAt == 0 || now.getEpochSecond() + MARGIN_SECONDS < refreshExpiresAt);
    }
}
