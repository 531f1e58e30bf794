package dev.medforge.gateway.messaging;

import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.messaging.EventSender;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Emits a new submission. Each Uni completes only once the broker acknowledged (acks=all). */
@ApplicationScoped
public class SubmissionEvents {

    public static final String SOURCE = "gateway";

    private final MutinyEmitter<Record<String, String>> submitted;
    private final MutinyEmitter<Record<String, String>> status;

    SubmissionEvents(@Channel("adapter-submitted") MutinyEmitter<Record<String, String>> submitted,
                     @Channel("submission-status-out") MutinyEmitter<Record<String, String>> status) {
        this.submitted = submitted;
        this.status = status;
    }

    /**
     * RECEIVED goes first so that the registry knows the submission before ingest reports on it;
     * its id derives from the submitted event's, so a retried call cannot record it twice.
     */
    public Uni<Void> emit(EventEnvelope<AdapterSubmitted> event) {
        AdapterSubmitted data = event.data();
        SubmissionStatus received = new SubmissionStatus(data.submissionId(), data.institution(), data.branch(),
                SubmissionStatus.Stage.RECEIVED, "task " + data.task());
        return EventSender.emit(status, EventEnvelope.wrapCausedBy(SOURCE, received, event.id()))
                .flatMap(ignored -> EventSender.emit(submitted, event));
    }
}
