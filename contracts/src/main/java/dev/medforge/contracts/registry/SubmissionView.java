package dev.medforge.contracts.registry;

import dev.medforge.contracts.events.SubmissionStatus.Stage;

import java.time.Instant;
import java.util.List;

/**
 * A submission with its full status history, as the gateway shows it to the submitting institution.
 * {@code withdrawals} are the requests to take it out of a branch and what came of each, including
 * those whose composite failed the gate, which leave the history as it was.
 */
public record SubmissionView(String submissionId, String institution, String branch, Stage stage,
                             Instant createdAt, Instant updatedAt, List<Entry> history, List<Views.WithdrawalView> withdrawals) {

    public record Entry(Stage stage, String detail, String source, Instant at) {
    }
}
