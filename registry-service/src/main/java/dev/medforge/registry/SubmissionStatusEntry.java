package dev.medforge.registry;

import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.messaging.DeadLetters;
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

    /** The reason of a REJECTED the stall sweeper records for a submission nothing moved on (a domain fact, kept with the entries). */
    public static final String STALLED = "STALLED";

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

    /**
     * Whether this is a rejection for a fault of the pipeline's: a consumer that failed on a sound
     * event and dead-lettered it ({@value DeadLetters#INTERNAL_ERROR}), or one the stall sweeper
     * settled because the word of such a failure was lost ({@value #STALLED}). A refused
     * input (NORM_BOUND, PHI_DETECTED, a malformed event, ...) is the institution's to fix.
     */
    public boolean ourFault() {
        return stage == Stage.REJECTED && detail != null
                && (detail.startsWith(DeadLetters.INTERNAL_ERROR + " ") || detail.startsWith(STALLED + " "));
    }
}
