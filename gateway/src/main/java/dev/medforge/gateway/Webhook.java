package dev.medforge.gateway;

import java.net.URI;
import java.time.Instant;

/**
 * A subscriber's endpoint for {@code model.published}. The secret signs every delivery; it is shown
 * to the owner once, when the webhook is created.
 */
public record Webhook(String id, String owner, URI url, String secret, Instant createdAt) {
}
