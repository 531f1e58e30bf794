package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.registry.config.RegistryConfig;
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
    private final DeadLetterStatuses deadLetters;
    private final MeterRegistry meters;
    private final RegistryConfig config;

    SubmissionStatusConsumer(SubmissionHistoryService history, DeadLetterStatuses deadLetters, MeterRegistry meters,
                             RegistryConfig config) {
        this.history = history;
        this.config = config;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    /**
     * A malformed status rejects the submission it names. A status that could not be recorded does
     * not: the rejection would come back here to be recorded by the same failing store, and again for
     * as long as it fails. A store that is away is waited for within the retry budget; the stall
     * sweeper settles a submission whose status still could not be recorded once the store is back.
     */
    @Incoming("submission-status")
    public Uni<Void> onStatus(String json) {
        return Uni.createFrom().item(() -> EventCodec.decode(json, SubmissionStatus.class))
                .flatMap(event -> TransientFailures.retry(config.dependencyRetry(), "status " + event.id(),
                        DatabaseOutages::isOutage, OnContext.current(), () -> history.record(event)))
                .invoke(recorded -> meters.counter("medforge.registry.status.events",
                        "outcome", recorded ? "recorded" : "duplicate").increment())
                .replaceWithVoid()
                .onFailure(DeadLetters::malformed).call(failure -> deadLetters.reject(Topics.SUBMISSION_STATUS, json, failure));
    }
}
