package dev.medforge.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A frozen base model that branches build on; adapters must name it as {@code id@digest}. */
@Entity
@Table(name = "base_model")
public class BaseModel extends PanacheEntityBase {

    @Id
    public String id;

    /** {@code sha256:<hex>} of the weights; also where they sit in the artifact store. */
    @Column(nullable = false)
    public String digest;

    /** The architecture JSON, as ml-core wrote it. */
    @Column(nullable = false)
    public String architecture;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    public String reference() {
        return id + "@" + digest;
    }
}
