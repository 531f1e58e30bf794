package dev.medforge.contracts.registry;

import java.net.URI;
import java.time.Instant;

/**
 * The registry's webhook store as the gateway and the registry both see it: one copy of the records
 * that cross its internal API ({@code /internal/webhooks}), so that neither side can drift from the
 * other's JSON.
 */
public final class Webhooks {

    private Webhooks() {
    }

    /**
     * A subscriber's endpoint for {@code model.published}. The secret signs every delivery; the owner
     * sees it once, when the webhook is created, and only the gateway reads it afterwards.
     */
    public record Webhook(String id, String owner, URI url, String secret, Instant createdAt) {
    }

    /**
     * One attempt to deliver one event to one webhook, as the gateway made it and the registry keeps it.
     *
     * @param status        the receiver's HTTP status, or 0 when no answer came
     * @param error         why the attempt failed, or null when it succeeded
     * @param nextAttemptAt when the next try is due, or null when there is none
     */
    public record Delivery(String eventId, int attempt, Instant at, int status, String error, Instant nextAttemptAt) {

        public boolean succeeded() {
            return error == null;
        }
    }
}
