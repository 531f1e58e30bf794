package dev.medforge.gateway.messaging;

import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Emits a new submission. Each Uni completes only once the broker acknowledged (acks=all). */
@ApplicationScoped
public class SubmissionEvents {

    public static final String SOURCE = "gateway";

    private final MutinyEmitter<String> submitted;
    private final MutinyEmitter<String> status;

    SubmissionEvents(@Channel("adapter-submitted") MutinyEmitter<String> submitted,
                     @Channel("submission-status-out") MutinyEmitter<String> status) {
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
        return send(status, EventEnvelope.wrapCausedBy(SOURCE, received, event.id()))
                .flatMap(ignored -> send(submitted, event));
    }

    private static Uni<Void> send(MutinyEmitter<String> emitter, EventEnvelope<?> envelope) {
        return emitter.sendMessage(Message.of(EventCodec.encode(envelope))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(envelope.subject()).build()));
    }
}
