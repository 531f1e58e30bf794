package dev.medforge.registry.service;

import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.registry.Submission;
import dev.medforge.registry.SubmissionStatusEntry;
import dev.medforge.registry.Withdrawal;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Keeps each submission's status history; the registry is the one place that remembers it. */
@ApplicationScoped
public class SubmissionHistoryService {

    /** How the first entry after a reopened rejection begins. */
    public static final String REOPENED = "REOPENED";

    /**
     * Records one status event in one transaction. Returns false for an event already recorded,
     * so redelivery changes nothing.
     */
    @WithTransaction
    public Uni<Boolean> record(EventEnvelope<SubmissionStatus> event) {
        SubmissionStatus status = event.data();
        return SubmissionStatusEntry.<SubmissionStatusEntry>findById(event.id())
                .flatMap(known -> known != null
                        ? Uni.createFrom().item(false)
                        : Submission.<Submission>findById(status.submissionId())
                        .flatMap(submission -> upsert(submission, event))
                        .flatMap(reopenedFrom -> entry(event, reopenedFrom).persist())
                        .replaceWith(true));
    }

    @WithSession
    public Uni<Submission> find(String submissionId) {
        return Submission.findById(submissionId);
    }

    @WithSession
    public Uni<List<SubmissionStatusEntry>> history(String submissionId) {
        return SubmissionStatusEntry.list("submissionId = ?1 order by occurredAt, recordedAt", submissionId);
    }

    /**
     * Every request to withdraw the submission, from its branch or a fork: a request whose composite
     * failed the gate leaves the submission's own history untouched, because it stays in the head.
     */
    @WithSession
    public Uni<List<Withdrawal>> withdrawals(String submissionId) {
        return Withdrawal.list("submissionId = ?1 order by requestedAt", submissionId);
    }

    /**
     * Creates the submission or moves it on. Returns the rejection it was reopened from, if the event
     * reopened it (see {@link Submission#advanceTo}), or null.
     */
    private static Uni<SubmissionStatusEntry> upsert(Submission existing, EventEnvelope<SubmissionStatus> event) {
        SubmissionStatus status = event.data();
        if (existing != null) {
            Uni<SubmissionStatusEntry> rejection = existing.stage == Stage.REJECTED
                    ? SubmissionStatusEntry.find("submissionId = ?1 and stage = ?2 order by occurredAt desc, recordedAt desc",
                    existing.id, Stage.REJECTED).firstResult()
                    : Uni.createFrom().nullItem();
            return rejection.map(last -> existing.advanceTo(status.stage(), event.time(), last) ? last : null);
        }
        Submission created = new Submission();
        created.id = status.submissionId();
        created.institution = status.institution();
        created.branch = status.branch();
        created.stage = status.stage();
        created.createdAt = event.time();
        created.updatedAt = event.time();
        return created.persist().replaceWith((SubmissionStatusEntry) null);
    }

    /** The entry for {@code event}; one that reopened a rejection says so, so the history shows why the stage moved on. */
    private static SubmissionStatusEntry entry(EventEnvelope<SubmissionStatus> event, SubmissionStatusEntry reopenedFrom) {
        SubmissionStatusEntry entry = new SubmissionStatusEntry();
        entry.eventId = event.id();
        entry.submissionId = event.data().submissionId();
        entry.stage = event.data().stage();
        entry.detail = reopenedFrom == null ? event.data().detail()
                : REOPENED + " after " + reopenedFrom.detail + (event.data().detail() == null ? "" : ". " + event.data().detail());
        entry.source = event.source();
        entry.occurredAt = event.time();
        entry.recordedAt = Instant.now();
        return entry;
    }
}
