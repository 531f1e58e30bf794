package dev.medforge.merge.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.AdapterValidated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.InvalidEventException;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.merge.config.MergeConfig;
import dev.medforge.merge.service.CompositeBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A merge worker. Validated adapters arrive in batches (one poll); those of one branch that wait
 * together go into one composite (group commit). Workers scale out as the consumer group
 * {@code merge-workers}: the branch key keeps one branch on one partition, hence one worker.
 * Offsets commit after the composite and its events are durable, so a worker that dies mid-merge
 * loses nothing: the batch comes again and yields the same composite id. A merge that fails because
 * the registry, the store or the broker is away is tried again ({@link TransientFailures}), so an
 * outage only delays it; whatever is dead-lettered takes its submissions to a final REJECTED status
 * ({@link DeadLetters}).
 */
@ApplicationScoped
public class MergeWorker {

    static final String SOURCE = "merge-service";
    private static final Logger LOG = Logger.getLogger(MergeWorker.class);

    private final CompositeBuilder builder;
    private final MergeConfig config;
    private final MutinyEmitter<Record<String, String>> created;
    private final MutinyEmitter<Record<String, String>> status;
    private final MutinyEmitter<String> deadLetters;
    private final MeterRegistry meters;

    MergeWorker(CompositeBuilder builder, MergeConfig config, MeterRegistry meters,
                @Channel("composite-created") MutinyEmitter<Record<String, String>> created,
                @Channel("submission-status") MutinyEmitter<Record<String, String>> status,
                @Channel("adapter-validated-dlq") MutinyEmitter<String> deadLetters) {
        this.builder = builder;
        this.config = config;
        this.created = created;
        this.status = status;
        this.deadLetters = deadLetters;
        this.meters = meters;
    }

    @Incoming("adapter-validated")
    @Blocking
    public void onValidated(List<String> batch) {
        Map<String, Map<EventEnvelope<AdapterValidated>, String>> byBranch = new LinkedHashMap<>();
        for (String json : batch) {
            try {
                EventEnvelope<AdapterValidated> event = EventCodec.decode(json, AdapterValidated.class);
                EventSender.recordQueueWait(meters, Topics.ADAPTER_VALIDATED, event);
                byBranch.computeIfAbsent(event.data().branch(), b -> new LinkedHashMap<>()).put(event, json);
            } catch (InvalidEventException e) {
                setAside(null, List.of(json), e);
            }
        }
        // One budget for the batch: its branches wait behind each other, and all of them must be
        // acknowledged within the channel's unprocessed-record age, however long the outage.
        long batchStart = System.nanoTime();
        byBranch.forEach((branch, events) -> {
            List<EventEnvelope<AdapterValidated>> validated = List.copyOf(events.keySet());
            try {
                TransientFailures.retry(config.dependencyRetry(), "merge of " + validated.size() + " adapter(s) on " + branch, batchStart,
                        () -> merge(branch, validated.stream().map(e -> ref(e.data())).toList(), null, List.of(), validated.get(0).id()));
            } catch (RuntimeException e) {
                setAside(branch, events.values(), e);
            }
        });
    }

    /**
     * A batch is acknowledged as a whole, so a poison message, or a branch whose merge failed, is
     * dead-lettered here rather than failing the adapters of other branches that arrived with it.
     */
    private void setAside(String branch, Collection<String> messages, RuntimeException failure) {
        LOG.warnf("dead-lettering %d message(s) on %s: %s", messages.size(), Topics.ADAPTER_VALIDATED, failure.getMessage());
        messages.forEach(json -> deadLetters.sendMessageAndAwait(DeadLetters.deadLetter(Topics.ADAPTER_VALIDATED, branch, json, failure)));
        DeadLetters.reject(status, SOURCE, Topics.ADAPTER_VALIDATED, messages, failure);
    }

    @Incoming("composite-rebase")
    @Blocking
    public void onRebase(String json) {
        DeadLetters.rejectOnFailure(status, SOURCE, Topics.COMPOSITE_REBASE, json,
                () -> TransientFailures.retry(config.dependencyRetry(), "rebase on " + Topics.COMPOSITE_REBASE, () -> rebase(json)));
    }

    private void rebase(String json) {
        EventEnvelope<CompositeRebase> event = EventCodec.decode(json, CompositeRebase.class);
        EventSender.recordQueueWait(meters, Topics.COMPOSITE_REBASE, event);
        CompositeRebase rebase = event.data();
        LOG.infof("branch %s: merging %d adapter(s) of %s again onto version %d%s%s", rebase.branch(), rebase.adapters().size(),
                rebase.staleCompositeId(), rebase.headVersion(), rebase.strategy() == null ? "" : " as " + rebase.strategy(),
                rebase.withdrawn().isEmpty() ? "" : " without " + rebase.withdrawn().stream().map(AdapterRef::submissionId).toList());
        merge(rebase.branch(), rebase.adapters(), rebase.strategy(), rebase.withdrawn(), event.id());
    }

    private void merge(String branch, List<AdapterRef> adapters, String strategy, List<AdapterRef> withdrawn, String causeId) {
        builder.build(branch, adapters, strategy, withdrawn, (refused, detail) -> reject(branch, refused, detail, causeId)).ifPresent(composite -> {
            SubmissionStatus.ofEach(composite.adapters(), branch, Stage.MERGED, composite.strategy() + " composite of "
                    + composite.coefficients().size() + " adapter(s) on version " + composite.parentVersion())
                    .forEach(merged -> EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, merged, composite.compositeId())));
            // Statuses first, so that no submission's history shows its evaluation before its merge.
            EventSender.send(created, EventEnvelope.wrapCausedBy(SOURCE, composite, causeId + "/" + composite.compositeId()));
        });
    }

    /**
     * Final: the task stays another institution's, or the bytes stay in the lineage, so no later merge
     * could take this adapter either.
     */
    private void reject(String branch, AdapterRef refused, String detail, String causeId) {
        EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, SubmissionStatus.of(refused, branch, Stage.REJECTED, detail), causeId));
    }

    private static AdapterRef ref(AdapterValidated validated) {
        return new AdapterRef(validated.submissionId(), validated.institution(), validated.task(),
                validated.artifacts().adapterModel(), validated.artifacts().adapterConfig(), validated.artifacts().distilled(),
                validated.report() == null ? null : validated.report().privacy());
    }

}
