package dev.medforge.registry.mapping;

import dev.medforge.registry.Webhook;
import dev.medforge.registry.WebhookDelivery;
import dev.medforge.registry.api.Views.WebhookDeliveryView;
import dev.medforge.registry.api.Views.WebhookView;

public final class WebhookMapper {

    private WebhookMapper() {
    }

    public static WebhookView toView(Webhook webhook) {
        return new WebhookView(webhook.id, webhook.owner, webhook.url, webhook.secret, webhook.createdAt);
    }

    public static WebhookDeliveryView toView(WebhookDelivery delivery) {
        return new WebhookDeliveryView(delivery.eventId, delivery.attempt, delivery.at, delivery.status, delivery.error,
                delivery.nextAttemptAt);
    }
}
