package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;

/**
 * A published composite: version {@code number} of its branch. Versions are never changed or removed;
 * an operator can only take a version's download away ({@code unavailableAt}), and give it back.
 */
@Entity
@Table(name = "model_version")
@IdClass(ModelVersion.Key.class)
public class ModelVersion extends PanacheEntityBase {

    @Id
    @Column(name = "branch_id")
    public String branchId;

    @Id
    public int number;

    @Column(name = "composite_id", nullable = false)
    public String compositeId;

    @Column(nullable = false)
    public String artifact;

    @Column(nullable = false)
    public String strategy;

    /** Per-task metrics as JSON: task → {accuracy, auc, n}. */
    @Column(nullable = false)
    public String metrics;

    @Column(name = "published_at", nullable = false)
    public Instant publishedAt;

    /** When an operator made the version's download unavailable; null while it can be downloaded. */
    @Column(name = "unavailable_at")
    public Instant unavailableAt;

    @Column(name = "unavailable_by")
    public String unavailableBy;

    @Column(name = "unavailable_reason")
    public String unavailableReason;

    /** The work time of the merge that built the composite; null when it is not known (see {@code evaluationMillis}). */
    @Column(name = "merge_millis")
    public Long mergeMillis;

    /**
     * The work time of the composite's evaluation; null, like {@code mergeMillis}, for a version
     * published before composite.evaluated carried it and for a fork's version 1, which cost neither.
     */
    @Column(name = "evaluation_millis")
    public Long evaluationMillis;

    public record Key(String branchId, int number) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }
}
