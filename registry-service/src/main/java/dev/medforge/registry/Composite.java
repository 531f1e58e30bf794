package dev.medforge.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.medforge.contracts.events.AdapterRef;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;

import java.time.Instant;
import java.util.List;

/** A composite that reached the registry's decision, published or not; versions point at one. */
@Entity
public class Composite extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "branch_id", nullable = false)
    public String branchId;

    @Column(name = "parent_version", nullable = false)
    public int parentVersion;

    @Column(nullable = false)
    public String strategy;

    @Column(nullable = false)
    public String artifact;

    /** submission id → weight, as JSON. */
    @Column(nullable = false)
    public String coefficients;

    /** A mixture's weight rows, task → submission id → weight, as JSON; {} for a fused composite. */
    @Column(name = "task_coefficients", nullable = false)
    public String taskCoefficients;

    /** The adapters merged, as a JSON array of AdapterRef: the lineage down to institutions. */
    @Column(nullable = false)
    public String adapters;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** What the registry made of it; null for a composite decided before the registry kept that. */
    @Enumerated(EnumType.STRING)
    public PublishDecision decision;

    /** The gate's reasons, "; "-joined, where they are why it was not published; null otherwise. */
    public String reasons;

    /** Keeps {@code decision}, and the gate's reasons where the gate is why the composite was not published. */
    public void decided(PublishDecision decision, List<String> gateReasons) {
        this.decision = decision;
        this.reasons = decision.failedTheGate() ? String.join("; ", gateReasons) : null;
    }

    /** {@link #adapters}, read. */
    public List<AdapterRef> adapterRefs() {
        return JsonText.read(adapters, new TypeReference<>() { });
    }
}
