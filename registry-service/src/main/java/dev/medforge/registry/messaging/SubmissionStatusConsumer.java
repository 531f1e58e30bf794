package dev.medforge.registry.messaging;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.registry.service.SubmissionHistoryService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records every stage reported on {@code medforge.submission.status}. The offset is committed after
 * the transaction, so an event is stored at least once and, keyed by its id, exactly once.
 */
@ApplicationScoped
public class SubmissionStatusConsumer {

    private final SubmissionHistoryService history;
    private final MeterRegistry meters;

    SubmissionStatusConsumer(SubmissionHistoryService history, MeterRegistry meters) {
        this.history = history;
        this.meters = meters;
    }

    @Incoming("submission-status")
    public Uni<Void> onStatus(String json) {
        return Uni.createFrom().item(() -> EventCodec.decode(json, SubmissionStatus.class))
                .flatMap(history::record)
                .invoke(recorded -> meters.counter("medforge.registry.status.events",
                        "outcome", recorded ? "recorded" : "duplicate").increment())
                .replaceWithVoid();
    }
}
