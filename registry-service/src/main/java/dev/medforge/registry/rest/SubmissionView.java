package dev.medforge.registry.rest;

import dev.medforge.contracts.events.SubmissionStatus.Stage;

import java.time.Instant;
import java.util.List;

/** A submission with its full status history, as the gateway shows it to the submitting institution. */
public record SubmissionView(String submissionId, String institution, String branch, Stage stage,
                             Instant createdAt, Instant updatedAt, List<Entry> history) {

    public record Entry(Stage stage, String detail, String source, Instant at) {
    }
}
