package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.registry.service.PublishingService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Evaluated composites become versions, rebases or gated-out submissions; the offset commits after the
 * transaction. A composite that cannot be decided is dead-lettered and its submissions rejected.
 */
@ApplicationScoped
public class CompositeEvaluatedConsumer {

    private final PublishingService publishing;
    private final DeadLetterStatuses deadLetters;
    private final MeterRegistry meters;

    CompositeEvaluatedConsumer(PublishingService publishing, DeadLetterStatuses deadLetters, MeterRegistry meters) {
        this.publishing = publishing;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @Incoming("composite-evaluated")
    public Uni<Void> onEvaluated(String json) {
        return Uni.createFrom().item(() -> EventCodec.decode(json, CompositeEvaluated.class))
                .invoke(event -> EventSender.recordQueueWait(meters, Topics.COMPOSITE_EVALUATED, event))
                .flatMap(publishing::decide)
                .invoke(decision -> meters.counter("medforge.registry.decisions", "decision", decision.name().toLowerCase())
                        .increment())
                .replaceWithVoid()
                .onFailure().call(failure -> deadLetters.reject(Topics.COMPOSITE_EVALUATED, json, failure));
    }
}
