package dev.medforge.gateway;

import java.time.Instant;

/**
 * One attempt to deliver one event to one webhook.
 *
 * @param status the receiver's HTTP status, or 0 when no answer came
 * @param error  why the attempt failed, or null when it succeeded
 * @param nextAttemptAt when the next try is due, or null when there is none
 */
public record WebhookDelivery(String eventId, int attempt, Instant at, int status, String error, Instant nextAttemptAt) {

    public boolean succeeded() {
        return error == null;
    }
}
