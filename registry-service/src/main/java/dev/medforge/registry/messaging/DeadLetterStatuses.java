package dev.medforge.registry.messaging;

import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.registry.service.PublishingService;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * The registry's consumers run on the event loop, so they send {@link DeadLetters}' rejections
 * without blocking, and straight to the broker rather than through the outbox: the failure being
 * reported may be the database's.
 */
@ApplicationScoped
public class DeadLetterStatuses {

    private final MutinyEmitter<Record<String, String>> status;

    DeadLetterStatuses(@Channel("dead-letter-status") MutinyEmitter<Record<String, String>> status) {
        this.status = status;
    }

    /**
     * Rejects the submissions {@code message} names and completes when the broker has them. It never
     * fails: the dead letter still matters more, and the stall sweeper settles what stays unsaid.
     */
    Uni<Void> reject(String topic, String message, Throwable failure) {
        return Multi.createFrom().iterable(DeadLetters.rejections(PublishingService.SOURCE, topic, message, failure))
                .onItem().transformToUniAndConcatenate(rejection -> EventSender.emit(status, rejection))
                .collect().last()
                .replaceWithVoid()
                .onFailure().invoke(failure::addSuppressed)
                .onFailure().recoverWithNull();
    }
}
