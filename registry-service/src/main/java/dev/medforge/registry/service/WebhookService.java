package dev.medforge.registry.service;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Webhook;
import dev.medforge.registry.WebhookDelivery;
import dev.medforge.registry.api.WebhookRequests.NewWebhook;
import dev.medforge.registry.config.RegistryConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Keeps subscribers' webhooks and their delivery logs for every gateway. A webhook is made and
 * deleted only for the user whose token the gateway forwards (its subject is the owner); the
 * gateway hides other owners' webhooks as 404s when it reads them.
 */
@ApplicationScoped
public class WebhookService {

    public static final String LIMIT = "WEBHOOK_LIMIT";

    private final RegistryConfig.Webhooks config;

    WebhookService(RegistryConfig config) {
        this.config = config.webhooks();
    }

    /**
     * Counts and inserts under a lock on the owner, so that two requests (to two gateways) cannot both
     * pass the limit.
     */
    @WithTransaction
    public Uni<Webhook> create(NewWebhook request) {
        return Panache.getSession()
                .flatMap(session -> session.createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:owner))) as held",
                        Integer.class).setParameter("owner", "webhook owner " + request.owner()).getSingleResult())
                .flatMap(locked -> Webhook.count("owner", request.owner()))
                .flatMap(held -> {
                    if (held >= config.maxPerOwner()) {
                        throw RegistryException.conflict(new FieldError(LIMIT, "url", "a subscriber may hold at most "
                                + config.maxPerOwner() + " webhooks; delete one first"));
                    }
                    Webhook webhook = new Webhook();
                    webhook.id = UUID.randomUUID().toString();
                    webhook.owner = request.owner();
                    webhook.url = request.url();
                    webhook.secret = request.secret();
                    webhook.createdAt = Instant.now();
                    return webhook.persist();
                });
    }

    /** Every webhook when {@code owner} is null: the gateway delivering an event needs them all. */
    @WithSession
    public Uni<List<Webhook>> list(String owner) {
        return owner == null ? Webhook.list("order by createdAt") : Webhook.list("owner = ?1 order by createdAt", owner);
    }

    @WithSession
    public Uni<Webhook> find(String id) {
        return Webhook.<Webhook>findById(id).map(webhook -> {
            if (webhook == null) {
                throw RegistryException.notFound("Webhook", id);
            }
            return webhook;
        });
    }

    /** Its log goes with it (on delete cascade). Another owner's webhook is as unknown as one that does not exist. */
    @WithTransaction
    public Uni<Void> delete(String id, String owner) {
        return Webhook.delete("id = ?1 and owner = ?2", id, owner).map(deleted -> {
            if (deleted == 0) {
                throw RegistryException.notFound("Webhook", id);
            }
            return null;
        });
    }

    @WithSession
    public Uni<List<WebhookDelivery>> deliveries(String id) {
        return find(id).flatMap(webhook -> WebhookDelivery.list("webhookId = ?1 order by id", id));
    }

    /**
     * Appends an attempt and drops what falls out of the log. A webhook deleted meanwhile is a 404,
     * which tells the gateway to stop retrying.
     */
    @WithTransaction
    public Uni<WebhookDelivery> record(String id, Webhooks.Delivery request) {
        return find(id).flatMap(webhook -> {
            WebhookDelivery delivery = new WebhookDelivery();
            delivery.webhookId = id;
            delivery.eventId = request.eventId();
            delivery.attempt = request.attempt();
            delivery.at = request.at();
            delivery.status = request.status();
            delivery.error = request.error();
            delivery.nextAttemptAt = request.nextAttemptAt();
            return delivery.<WebhookDelivery>persistAndFlush();
        }).flatMap(delivery -> Panache.getSession()
                // One statement: the newest log-size entries stay; with fewer, the subquery is null and nothing goes.
                .flatMap(session -> session.createNativeQuery("delete from webhook_delivery where webhook_id = :webhook and id <="
                                + " (select id from webhook_delivery where webhook_id = :webhook order by id desc offset :kept limit 1)")
                        .setParameter("webhook", id).setParameter("kept", config.logSize()).executeUpdate())
                .replaceWith(delivery));
    }
}
