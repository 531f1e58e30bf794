package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;

import java.time.Instant;

/**
 * A line of composites on one base model, with the policy that decides what may join it. The head
 * is the newest published version (0: nothing published yet, the bare base model; a fork starts at 1,
 * the version it was forked from).
 */
@Entity
public class Branch extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "base_model_id", nullable = false)
    public String baseModelId;

    /** {@code fusion}, {@code mixture} or {@code fallback} (fusion, then mixture once the gate fails). */
    @Column(nullable = false)
    public String strategy;

    /** Accuracy points a published task may lose against the parent version. */
    @Column(name = "max_regression", nullable = false)
    public double maxRegression;

    /** Accuracy points a new task may trail its adapter's standalone score. */
    @Column(name = "max_new_task_gap", nullable = false)
    public double maxNewTaskGap;

    @Column(name = "rank_limit", nullable = false)
    public int rankLimit;

    /** Largest per-layer Frobenius norm of an adapter's delta-W; larger is treated as poisoning. */
    @Column(name = "norm_bound", nullable = false)
    public double normBound;

    /**
     * Highest upper bound of the 95% interval of the distance attack's membership-inference AUC that a
     * submission's privacy report may declare (0.5: the attacker guesses).
     */
    @Column(name = "max_membership_auc", nullable = false)
    public double maxMembershipAuc;

    /**
     * Smallest ratio of a distilled image's distance to its nearest real image over the typical
     * real-to-real nearest-neighbour distance; below it an image may be a memorised patient.
     */
    @Column(name = "min_nearest_real_ratio", nullable = false)
    public double minNearestRealRatio;

    /** Most distilled images per class: a distilled set is a summary, not a copy of the data. */
    @Column(name = "max_distilled_per_class", nullable = false)
    public int maxDistilledPerClass;

    /** Whether a privacy report without a membership-inference audit is refused. */
    @Column(name = "privacy_audit_required", nullable = false)
    public boolean privacyAuditRequired;

    @Column(name = "head_version", nullable = false)
    public int headVersion;

    @Column(name = "head_composite_id")
    public String headCompositeId;

    /** The branch this one was forked from, with {@link #forkedFromVersion}; null for a branch on a bare base model. */
    @Column(name = "forked_from_branch")
    public String forkedFromBranch;

    @Column(name = "forked_from_version")
    public Integer forkedFromVersion;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
