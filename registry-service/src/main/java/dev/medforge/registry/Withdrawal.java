package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;

import java.io.Serializable;
import java.time.Instant;

/**
 * A request to take a published contribution out of a branch. The next composite is merged from
 * the head's other members; once published, that version and every later one omit the submission.
 */
@Entity
@IdClass(Withdrawal.Key.class)
public class Withdrawal extends PanacheEntityBase {

    @Id
    @Column(name = "branch_id")
    public String branchId;

    @Id
    @Column(name = "submission_id")
    public String submissionId;

    /** The institution whose contribution leaves: the submission's, not necessarily the requester's. */
    @Column(nullable = false)
    public String institution;

    @Column(nullable = false)
    public String task;

    /** The user who asked, as the gateway's token named them. */
    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    /** The requester's institution; null for an operator acting for none. */
    @Column(name = "requester_institution")
    public String requesterInstitution;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public State state;

    /** The first version without the submission; null until one is published. */
    public Integer version;

    /** When {@code version} was published: from then on, earlier versions holding the submission are superseded. */
    @Column(name = "published_at")
    public Instant publishedAt;

    /** Why the composite without it failed the gate, when it did. */
    @Column(name = "gate_reasons")
    public String gateReasons;

    public enum State {
        /** The composite without the submission is being merged or evaluated. */
        PENDING,
        /** A version without the submission is published. */
        PUBLISHED,
        /** The composite without the submission failed the gate; the head still holds it, and it may be asked again. */
        GATED_OUT
    }

    public record Key(String branchId, String submissionId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
