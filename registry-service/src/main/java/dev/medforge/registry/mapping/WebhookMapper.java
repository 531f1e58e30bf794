package dev.medforge.registry.mapping;

import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.registry.Webhook;
import dev.medforge.registry.WebhookDelivery;
import java.net.URI;

public final class WebhookMapper {

    private WebhookMapper() {
    }

    /** With its secret: only the gateway, which signs the deliveries, reads this API. */
    public static Webhooks.Webhook toView(Webhook webhook) {
        return new Webhooks.Webhook(webhook.id, webhook.owner, URI.create(webhook.url), webhook.secret, webhook.createdAt);
    }

    public static Webhooks.Delivery toView(WebhookDelivery delivery) {
        return new Webhooks.Delivery(delivery.eventId, delivery.attempt, delivery.at, delivery.status, delivery.error,
                delivery.nextAttemptAt);
    }
}
