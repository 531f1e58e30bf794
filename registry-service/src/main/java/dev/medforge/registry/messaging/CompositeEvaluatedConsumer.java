package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.registry.config.RegistryConfig;
import dev.medforge.registry.service.PublishingService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Evaluated composites become versions, rebases or gated-out submissions; the offset commits after the
 * transaction, and the decision's events leave through the outbox at once ({@link OutboxRelay#roundNow}).
 * A decision whose transaction failed because the database was away is taken again (the transaction
 * rolled back, so nothing was half done); a composite that cannot be decided is dead-lettered and its
 * submissions rejected.
 */
@ApplicationScoped
public class CompositeEvaluatedConsumer {

    private final PublishingService publishing;
    private final DeadLetterStatuses deadLetters;
    private final MeterRegistry meters;
    private final RegistryConfig config;
    private final OutboxRelay relay;

    CompositeEvaluatedConsumer(PublishingService publishing, DeadLetterStatuses deadLetters, MeterRegistry meters,
                               RegistryConfig config, OutboxRelay relay) {
        this.publishing = publishing;
        this.relay = relay;
        this.config = config;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @Incoming("composite-evaluated")
    public Uni<Void> onEvaluated(String json) {
        return Uni.createFrom().item(() -> EventCodec.decode(json, CompositeEvaluated.class))
                .invoke(event -> EventSender.recordQueueWait(meters, Topics.COMPOSITE_EVALUATED, event))
                .flatMap(event -> TransientFailures.retry(config.dependencyRetry(), "decision on " + event.data().compositeId(),
                        DatabaseOutages::isOutage, OnContext.current(), () -> publishing.decide(event)))
                .invoke(decision -> meters.counter("medforge.registry.decisions", "decision", decision.name().toLowerCase())
                        .increment())
                .call(decision -> relay.roundNow())
                .replaceWithVoid()
                .onFailure().call(failure -> deadLetters.reject(Topics.COMPOSITE_EVALUATED, json, failure));
    }
}
