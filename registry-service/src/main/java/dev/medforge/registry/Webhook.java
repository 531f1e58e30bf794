package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.time.Instant;

/**
 * A subscriber's endpoint for {@code model.published}, kept for every gateway. The gateway checks the
 * URL and makes the secret; the registry keeps them and counts each owner's webhooks.
 */
@Entity
public class Webhook extends PanacheEntityBase {

    @Id
    public String id;

    /** The subscriber's subject, as the gateway's token named them. */
    @Column(nullable = false)
    public String owner;

    @Column(nullable = false)
    public String url;

    @Column(nullable = false)
    public String secret;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
