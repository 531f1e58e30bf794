package dev.medforge.gateway.messaging;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.service.NotificationHub;
import dev.medforge.gateway.service.WebhookService;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Tails the topics subscribers care about. Every gateway instance has a consumer group of its own
 * (application.properties), because each must see every event for the streams it holds open.
 */
@ApplicationScoped
public class NotificationConsumer {

    private final NotificationHub hub;
    private final WebhookService webhooks;

    NotificationConsumer(NotificationHub hub, WebhookService webhooks) {
        this.hub = hub;
        this.webhooks = webhooks;
    }

    @Incoming("model-published")
    public void onPublished(String json) {
        var published = EventCodec.decode(json, ModelPublished.class);
        hub.publish(Notification.of(published));
        webhooks.deliver(published);
    }

    @Incoming("submission-status-in")
    public void onStatus(String json) {
        hub.publish(Notification.ofStatus(EventCodec.decode(json, SubmissionStatus.class)));
    }
}
