package dev.medforge.gateway.service;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.Webhook;
import dev.medforge.gateway.WebhookDelivery;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.service.WebhookAddressGuard.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Keeps webhooks and delivers {@code model.published} to them, signed, retrying with exponential
 * backoff. Webhooks and their logs live in memory: the gateway has no database, so they are lost
 * when it restarts (README, "Gateway API"). Every URL passes the {@link WebhookAddressGuard} when it
 * is registered and before each attempt.
 */
@ApplicationScoped
public class WebhookService {

    public static final String LIMIT = "WEBHOOK_LIMIT";
    private static final Logger LOG = Logger.getLogger(WebhookService.class);

    private final GatewayConfig.Webhooks config;
    private final WebhookAddressGuard guard;
    private final HttpClient http;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Webhook> webhooks = new ConcurrentHashMap<>();
    private final Map<String, Deque<WebhookDelivery>> logs = new ConcurrentHashMap<>();

    WebhookService(GatewayConfig config, WebhookAddressGuard guard) {
        this.config = config.webhooks();
        this.guard = guard;
        // A redirect would lead to an address the guard never saw.
        this.http = HttpClient.newBuilder().connectTimeout(this.config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Webhook register(String owner, String url) {
        Webhook webhook = new Webhook(UUID.randomUUID().toString(), owner, guard.admit(url),
                WebhookSigner.newSecret(random), Instant.now());
        // Counting and adding as one step, so that parallel requests cannot pass the limit together.
        synchronized (webhooks) {
            if (list(owner).size() >= config.maxPerOwner()) {
                String message = "a subscriber may hold at most " + config.maxPerOwner() + " webhooks; delete one first";
                throw GatewayException.conflict(LIMIT, "url", message);
            }
            webhooks.put(webhook.id(), webhook);
            logs.put(webhook.id(), new ArrayDeque<>());
        }
        return webhook;
    }

    public List<Webhook> list(String owner) {
        return webhooks.values().stream().filter(w -> w.owner().equals(owner))
                .sorted(Comparator.comparing(Webhook::createdAt)).toList();
    }

    /** Another owner's webhook is 404, like one that does not exist. */
    public Webhook find(String owner, String id) {
        Webhook webhook = webhooks.get(id);
        if (webhook == null || !webhook.owner().equals(owner)) {
            throw GatewayException.notFound("Webhook", id);
        }
        return webhook;
    }

    public void delete(String owner, String id) {
        webhooks.remove(find(owner, id).id());
        logs.remove(id);
    }

    public List<WebhookDelivery> deliveries(String owner, String id) {
        Deque<WebhookDelivery> log = logs.getOrDefault(find(owner, id).id(), new ArrayDeque<>());
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /**
     * Starts a delivery to every webhook and returns at once; the address checks and retries run in
     * the background, so that a slow name server does not hold up the consumer.
     */
    public void deliver(EventEnvelope<ModelPublished> event) {
        byte[] body = EventCodec.encode(event).getBytes(StandardCharsets.UTF_8);
        webhooks.values().forEach(webhook -> CompletableFuture.runAsync(() -> attempt(webhook, event.id(), body, 1)));
    }

    private void attempt(Webhook webhook, String eventId, byte[] body, int attempt) {
        if (!webhooks.containsKey(webhook.id())) {
            return;
        }
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

    private void conclude(Webhook webhook, String eventId, byte[] body, int attempt, int status, String error, boolean retryable) {
        boolean retry = error != null && retryable && attempt < config.maxAttempts();
        Duration backoff = config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        record(webhook.id(), new WebhookDelivery(eventId, attempt, Instant.now(), status, error,
                retry ? Instant.now().plus(backoff) : null));
        if (retry) {
            CompletableFuture.delayedExecutor(backoff.toMillis(), TimeUnit.MILLISECONDS)
                    .execute(() -> attempt(webhook, eventId, body, attempt + 1));
        } else if (error != null) {
            LOG.warnf("webhook %s gave up on event %s after %d attempts: %s", webhook.id(), eventId, attempt, error);
        }
    }

    private void record(String webhookId, WebhookDelivery delivery) {
        Deque<WebhookDelivery> log = logs.get(webhookId);
        if (log == null) {
            return;
        }
        synchronized (log) {
            log.addLast(delivery);
            while (log.size() > config.logSize()) {
                log.removeFirst();
            }
        }
    }
}
