package dev.medforge.registry.service;

import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.registry.OutboxEvent;
import dev.medforge.registry.Submission;
import dev.medforge.registry.SubmissionStatusEntry;
import dev.medforge.registry.config.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * The backstop behind every consumer: a submission that has had no new status for
 * {@code medforge.registry.stall-after} ends REJECTED with reason {@value SubmissionStatusEntry#STALLED}, whatever lost it
 * (a crash between two events, a dead letter whose rejection could not be sent, a service that is
 * down). REJECTED rather than a stage of its own, so clients that already stop at the final stages
 * need nothing new. The status is recorded here and sent through the outbox, so the submitter's
 * stream hears of it too; the registry then drops its own event as a repeat.
 */
@ApplicationScoped
public class StallSweeper {

    private static final List<Stage> FINAL = Arrays.stream(Stage.values()).filter(Stage::terminal).toList();
    private static final Logger LOG = Logger.getLogger(StallSweeper.class);

    private final SubmissionHistoryService history;
    private final RegistryConfig config;
    private final MeterRegistry meters;

    StallSweeper(SubmissionHistoryService history, RegistryConfig config, MeterRegistry meters) {
        this.history = history;
        this.config = config;
        this.meters = meters;
    }

    // The row lock keeps two registries from ending one submission twice.
    @Scheduled(every = "${medforge.registry.stall-check-interval:1m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        Instant cutoff = Instant.now().minus(config.stallAfter());
        return Panache.withTransaction(() -> Submission.<Submission>find("stage not in ?1 and updatedAt < ?2 order by updatedAt",
                                FINAL, cutoff)
                        .withLock(LockModeType.PESSIMISTIC_WRITE)
                        .page(0, config.stallBatch()).list()
                        .flatMap(stalled -> Multi.createFrom().iterable(stalled)
                                .onItem().transformToUniAndConcatenate(this::end)
                                .collect().asList()))
                .invoke(ended -> meters.counter("medforge.registry.stalled").increment(ended.size()))
                .replaceWithVoid();
    }

    private Uni<Submission> end(Submission stalled) {
        SubmissionStatus status = new SubmissionStatus(stalled.id, stalled.institution, stalled.branch, Stage.REJECTED,
                SubmissionStatusEntry.STALLED + " " + stalled.stage + ": no new status since " + stalled.updatedAt + " (limit " + config.stallAfter() + ")");
        // Derived from the stalled state, so a second sweep of the same state could only repeat this very event.
        EventEnvelope<SubmissionStatus> event = EventEnvelope.wrapCausedBy(PublishingService.SOURCE, status,
                "stalled:" + stalled.stage + ":" + stalled.updatedAt);
        LOG.infof("submission %s stalled in %s since %s", stalled.id, stalled.stage, stalled.updatedAt);
        return history.record(event)
                .flatMap(recorded -> OutboxEvent.of(event, Instant.now()).persist())
                .replaceWith(stalled);
    }
}
