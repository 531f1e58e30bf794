package dev.medforge.gateway.messaging;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.service.NotificationHub;
import dev.medforge.gateway.service.WebhookService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Tails the topics subscribers care about. For the streams, every gateway instance has a consumer
 * group of its own (application.properties), because each must see every event for the streams it
 * holds open. For webhooks, all gateways share one group, so each event is delivered once, by one of
 * them, and one published while every gateway was down is delivered when one comes back.
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
    }

    @Incoming("webhook-deliveries")
    public Uni<Void> deliverToWebhooks(String json) {
        return webhooks.deliver(EventCodec.decode(json, ModelPublished.class));
    }

    @Incoming("submission-status-in")
    public void onStatus(String json) {
        hub.publish(Notification.ofStatus(EventCodec.decode(json, SubmissionStatus.class)));
    }
}
