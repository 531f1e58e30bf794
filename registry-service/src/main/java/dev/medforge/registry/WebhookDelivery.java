package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One attempt by a gateway to deliver one event to one webhook. */
@Entity
@Table(name = "webhook_delivery")
public class WebhookDelivery extends PanacheEntityBase {

    /** Insertion order, which is the log's order. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "webhook_id", nullable = false)
    public String webhookId;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(nullable = false)
    public int attempt;

    @Column(nullable = false)
    public Instant at;

    /** The receiver's HTTP status, or 0 when no answer came. */
    @Column(nullable = false)
    public int status;

    /** Why the attempt failed; null when it succeeded. */
    public String error;

    /** When the gateway will try again; null when it will not. */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;
}
