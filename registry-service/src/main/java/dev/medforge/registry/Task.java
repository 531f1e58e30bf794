package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;

import java.io.Serializable;
import java.time.Instant;

/** A task an institution contributes to a branch, with the evaluation suite every composite is scored on. */
@Entity
@IdClass(Task.Key.class)
public class Task extends PanacheEntityBase {

    @Id
    @Column(name = "branch_id")
    public String branchId;

    @Id
    public String name;

    @Column(nullable = false)
    public String institution;

    /** Class names in label order, as a JSON array. */
    @Column(name = "class_names", nullable = false)
    public String classNames;

    /** Digest of the evaluation suite in the artifact store. */
    @Column(name = "evaluation_suite", nullable = false)
    public String evaluationSuite;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public record Key(String branchId, String name) implements Serializable {
        public Key() {
            this(null, null);
        }
    }
}
