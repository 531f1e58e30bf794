package dev.medforge.registry;

import dev.medforge.contracts.events.SubmissionStatus.Stage;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;

import java.time.Instant;

/** One stage a submission reached, keyed by the event that reported it. */
@Entity
@jakarta.persistence.Table(name = "submission_status_entry")
public class SubmissionStatusEntry extends PanacheEntityBase {

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "submission_id", nullable = false)
    public String submissionId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Stage stage;

    public String detail;

    @Column(nullable = false)
    public String source;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
