package dev.medforge.gateway.service;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.contracts.registry.Webhooks.Webhook;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.service.WebhookAddressGuard.Refusal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Subscribers' webhooks and the delivery of {@code model.published} to them, signed, retrying with
 * exponential backoff. Webhooks and their logs are kept by the registry, in its database, so every
 * gateway serves the same ones and a restart loses none; each event is delivered by one gateway (the
 * consumer group of {@code NotificationConsumer#deliverToWebhooks}). Every URL passes the {@link
 * WebhookAddressGuard} when it is registered and before each attempt.
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    private final GatewayConfig.Webhooks config;
    private final WebhookAddressGuard guard;
    private final RegistryClient registry;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();

    WebhookService(GatewayConfig config, WebhookAddressGuard guard, @RestClient RegistryClient registry) {
        this.config = config.webhooks();
        this.guard = guard;
        this.registry = registry;
        // A redirect would lead to an address the guard never saw.
        this.http = HttpClient.newBuilder().connectTimeout(this.config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * Resolves the URL's host to check it, so it blocks: call it on a worker thread. The registry counts the owner's limit.
     *
     * @param onBehalfOf the owner's access token, from which the registry takes the owner
     */
    public Uni<Webhook> register(String owner, String onBehalfOf, String url) {
        var request = JsonNodeFactory.instance.objectNode()
                .put("owner", owner)
                .put("url", guard.admit(url).toString())
                .put("secret", WebhookSigner.newSecret(random));
        return registry.createWebhook(onBehalfOf, request);
    }

    public Uni<List<Webhook>> list(String owner) {
        return registry.webhooks(owner);
    }

    /** Another owner's webhook is 404, like one that does not exist. */
    public Uni<Webhook> find(String owner, String id) {
        return registry.webhook(id).map(webhook -> {
            if (!webhook.owner().equals(owner)) {
                throw GatewayException.notFound("Webhook", id);
            }
            return webhook;
        });
    }

    public Uni<Void> delete(String owner, String onBehalfOf, String id) {
        return find(owner, id).flatMap(webhook -> registry.deleteWebhook(webhook.id(), onBehalfOf));
    }

    public Uni<List<Webhooks.Delivery>> deliveries(String owner, String id) {
        return find(owner, id).flatMap(webhook -> registry.webhookDeliveries(webhook.id()));
    }

    /**
     * Starts a delivery to every webhook once the registry has named them, and completes then; the
     * address checks and retries run in the background, so that a slow receiver or name server does
     * not hold up the consumer. A registry that is down delays the event within the retry budget.
     */
    public Uni<Void> deliver(EventEnvelope<ModelPublished> event) {
        byte[] body = EventCodec.encode(event).getBytes(StandardCharsets.UTF_8);
        return TransientFailures.<List<Webhook>>retry(config.registryRetry(), "listing the webhooks for event " + event.id(),
                        Infrastructure.getDefaultExecutor(), () -> registry.webhooks(null))
                .invoke(webhooks -> webhooks.forEach(webhook ->
                        CompletableFuture.runAsync(() -> attempt(webhook, event.id(), body, 1))))
                .replaceWithVoid();
    }

    private void attempt(Webhook webhook, String eventId, byte[] body, int attempt) {
        Optional<Refusal> refusal = guard.refusal(webhook.url());
        if (refusal.isPresent()) {
            conclude(webhook, eventId, body, attempt, 0, "refused (" + refusal.get().rule() + "): " + refusal.get().reason(),
                    !refusal.get().lasting());
            return;
        }
        // The webhook-id stays the same across retries, so a receiver can drop a duplicate; the
        // timestamp and signature are fresh on each attempt.
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(webhook.url())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("X-MedForge-Event", Notification.MODEL_PUBLISHED)
                .header(WebhookSigner.ID, eventId)
                .header(WebhookSigner.TIMESTAMP, Long.toString(timestamp))
                .header(WebhookSigner.SIGNATURE, WebhookSigner.sign(webhook.secret(), eventId, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            int status = response == null ? 0 : response.statusCode();
            String error = failure != null ? String.valueOf(failure.getCause() == null ? failure : failure.getCause())
                    : status / 100 == 2 ? null : "HTTP " + status;
            conclude(webhook, eventId, body, attempt, status, error, true);
        });
    }

    /** Logs the attempt with the registry, then retries if it failed and may pass, unless the webhook is gone meanwhile. */
    private void conclude(Webhook webhook, String eventId, byte[] body, int attempt, int status, String error, boolean retryable) {
        boolean retry = error != null && retryable && attempt < config.maxAttempts();
        Duration backoff = config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        Webhooks.Delivery delivery = new Webhooks.Delivery(eventId, attempt, Instant.now(), status, error,
                retry ? Instant.now().plus(backoff) : null);
        registry.recordWebhookDelivery(webhook.id(), delivery).subscribe().with(
                logged -> next(webhook, eventId, body, attempt, error, retry, backoff),
                failure -> {
                    if (failure instanceof GatewayException refusal && refusal.problem().status() == 404) {
                        LOG.infof("webhook %s was deleted; no further attempts for event %s", webhook.id(), eventId);
                        return;
                    }
                    LOG.warnf("could not log attempt %d of event %s to webhook %s: %s", attempt, eventId, webhook.id(), failure);
                    next(webhook, eventId, body, attempt, error, retry, backoff);
                });
    }

    private void next(Webhook webhook, String eventId, byte[] body, int attempt, String error, boolean retry, Duration backoff) {
        if (retry) {
            CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(webhook, eventId, body, attempt + 1));
        } else if (error != null) {
            LOG.warnf("webhook %s gave up on event %s after %d attempts: %s", webhook.id(), eventId, attempt, error);
        }
    }
}
