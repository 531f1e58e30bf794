package dev.medforge.gateway.service;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signs deliveries the Standard Webhooks way (https://www.standardwebhooks.com/), so that a
 * receiver can check them with any of its libraries: {@code webhook-signature: v1,<base64
 * HMAC-SHA256 of "id.timestamp.body">}. The timestamp is signed too, which lets a receiver refuse a
 * delivery replayed later.
 */
public final class WebhookSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";

    private static final String SECRET_PREFIX = "whsec_";
    private static final String ALGORITHM = "HmacSHA256";
    // The specification asks for 24 to 64 bytes of key.
    private static final int SECRET_BYTES = 32;

    private WebhookSigner() {
    }

    /** A new secret as the subscriber gets it: {@code whsec_} and the base64 of random key bytes. */
    public static String newSecret(SecureRandom random) {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} value for one attempt to deliver {@code body}, under a secret from {@link #newSecret}. */
    public static String sign(String secret, String id, long timestampSeconds, byte[] body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java runtime provides HmacSHA256", e);
        }
    }
}
