package dev.medforge.registry;

import dev.medforge.contracts.events.SubmissionStatus.Stage;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;

import java.time.Instant;

/** An adapter submission as the registry knows it: who sent it, to which branch, and where it stands. */
@Entity
public class Submission extends PanacheEntityBase {

    @Id
    public String id;

    @Column(nullable = false)
    public String institution;

    @Column(nullable = false)
    public String branch;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Stage stage;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /**
     * Moves to {@code next}, except out of a terminal stage: a late event must not revive a finished
     * submission. A published one may still be withdrawn. A rejected one is reopened when it was
     * rejected for a fault of the pipeline's ({@code rejection}, its last REJECTED entry, says so) and
     * the event came after that rejection: it is then the work of a replayed dead letter, not a late
     * word from before it. An input the rules refused stays final. Returns whether it reopened.
     */
    public boolean advanceTo(Stage next, Instant at, SubmissionStatusEntry rejection) {
        boolean reopened = stage == Stage.REJECTED && next != Stage.REJECTED && rejection != null
                && rejection.ourFault() && at.isAfter(rejection.occurredAt);
        if (reopened || stage.mayMoveTo(next)) {
            stage = next;
        }
        updatedAt = at;
        return reopened;
    }
}
