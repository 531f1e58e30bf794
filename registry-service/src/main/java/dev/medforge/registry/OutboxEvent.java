package dev.medforge.registry;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/**
 * An event committed together with the state it announces and sent afterwards by the relay. This is
 * how a published version and its {@code model.published} event can never exist one without the other.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String topic;

    @Column(name = "event_key", nullable = false)
    public String eventKey;

    /** The encoded envelope; its id was fixed when written, so a resend is a recognisable repeat. */
    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    /** A row that sends {@code envelope} to its event type's topic, keyed by its subject. */
    public static OutboxEvent of(EventEnvelope<?> envelope, Instant createdAt) {
        OutboxEvent row = new OutboxEvent();
        row.topic = envelope.eventType().topic();
        row.eventKey = envelope.subject();
        row.payload = EventCodec.encode(envelope);
        row.createdAt = createdAt;
        return row;
    }
}
