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
import dev.medforge.merge.service.CompositeVerdicts;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A merge worker. Validated adapters arrive in batches (one poll); those of one branch that wait
 * together go into one composite (group commit), and so do the rebases of a branch that wait while
 * it merges ({@link BranchMergeQueue}). Workers scale out as the consumer group
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
    private final MutinyEmitter<String> validatedDeadLetters;
    private final MutinyEmitter<String> rebaseDeadLetters;
    private final MeterRegistry meters;
    private final CompositeVerdicts verdicts;
    private final BranchMergeQueue<MergeAsk> queue;

    MergeWorker(CompositeBuilder builder, CompositeVerdicts verdicts, MergeConfig config, MeterRegistry meters,
                @Channel("composite-created") MutinyEmitter<Record<String, String>> created,
                @Channel("submission-status") MutinyEmitter<Record<String, String>> status,
                @Channel("adapter-validated-dlq") MutinyEmitter<String> validatedDeadLetters,
                @Channel("composite-rebase-dlq") MutinyEmitter<String> rebaseDeadLetters) {
        this.builder = builder;
        this.verdicts = verdicts;
        this.queue = new BranchMergeQueue<>(verdicts::awaitVerdict);
        this.config = config;
        this.created = created;
        this.status = status;
        this.validatedDeadLetters = validatedDeadLetters;
        this.rebaseDeadLetters = rebaseDeadLetters;
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
                setAside(Topics.ADAPTER_VALIDATED, validatedDeadLetters, null, List.of(json), e);
            }
        }
        // One budget for the batch: its branches wait behind each other, and all of them must be
        // acknowledged within the channel's unprocessed-record age, however long the outage.
        long batchStart = System.nanoTime();
        byBranch.forEach((branch, events) -> {
            List<EventEnvelope<AdapterValidated>> validated = List.copyOf(events.keySet());
            // The line that says a merge has begun, as the rebase's does: its end is the builder's "composite" line.
            LOG.infof("branch %s: merging %d adapter(s) %s onto the head", branch, validated.size(),
                    validated.stream().map(e -> e.data().submissionId()).toList());
            try {
                merge(new MergeAsk(branch, validated.stream().map(e -> ref(e.data())).toList(), null, List.of(), validated.get(0).id()),
                        true, batchStart);
            } catch (RuntimeException e) {
                setAside(Topics.ADAPTER_VALIDATED, validatedDeadLetters, branch, events.values(), e);
            }
        });
    }

    /**
     * Rebases arrive in batches too. Those of one branch that may join others
     * ({@link CompositeRebase#mayJoinOthers}) become one composite on the head, with every adapter
     * they bring: a burst whose composites all went stale together settles in one merge instead of
     * coming back once per head move. The others (a fallback strategy, a withdrawal, a half of a
     * group the gate refused) are merged one by one, as asked.
     */
    @Incoming("composite-rebase")
    @Blocking
    public void onRebase(List<String> batch) {
        List<RebaseMessage> messages = new ArrayList<>();
        for (String json : batch) {
            try {
                EventEnvelope<CompositeRebase> event = EventCodec.decode(json, CompositeRebase.class);
                EventSender.recordQueueWait(meters, Topics.COMPOSITE_REBASE, event);
                messages.add(new RebaseMessage(event, json));
                // A rebase comes once the registry has decided its composite: no merge need wait for that verdict.
                verdicts.decided(event.data().branch(), event.data().staleCompositeId());
            } catch (InvalidEventException e) {
                setAside(Topics.COMPOSITE_REBASE, rebaseDeadLetters, null, List.of(json), e);
            }
        }
        long batchStart = System.nanoTime();
        merges(messages, m -> m.event().data()).forEach(merge -> rebase(merge, batchStart));
    }

    /** The merges a batch of rebases asks for: one per branch for those that may join others, then one per other rebase. */
    static <T> List<List<T>> merges(List<T> batch, Function<T, CompositeRebase> rebase) {
        Map<String, List<T>> joining = new LinkedHashMap<>();
        List<List<T>> alone = new ArrayList<>();
        for (T message : batch) {
            CompositeRebase r = rebase.apply(message);
            if (r.mayJoinOthers()) {
                joining.computeIfAbsent(r.branch(), b -> new ArrayList<>()).add(message);
            } else {
                alone.add(List.of(message));
            }
        }
        List<List<T>> merges = new ArrayList<>(joining.values());
        merges.addAll(alone);
        return merges;
    }

    private void rebase(List<RebaseMessage> messages, long batchStart) {
        // Rebases join only without a strategy or withdrawal of their own (mayJoinOthers), so the first
        // speaks for all; the head is read afresh by the builder, whatever version each was sent on.
        CompositeRebase first = messages.get(0).event().data();
        MergeAsk ask = MergeAsk.joined(messages.stream().map(m -> new MergeAsk(m.event().data().branch(), m.event().data().adapters(),
                m.event().data().strategy(), m.event().data().withdrawn(), m.event().id())).toList());
        LOG.infof("branch %s: merging %d adapter(s) of %s again onto version %d%s%s", first.branch(), ask.adapters().size(),
                messages.stream().map(m -> m.event().data().staleCompositeId()).toList(), first.headVersion(),
                first.strategy() == null ? "" : " as " + first.strategy(),
                first.withdrawn().isEmpty() ? "" : " without " + first.withdrawn().stream().map(AdapterRef::submissionId).toList());
        try {
            merge(ask, first.mayJoinOthers(), batchStart);
        } catch (RuntimeException e) {
            setAside(Topics.COMPOSITE_REBASE, rebaseDeadLetters, first.branch(), messages.stream().map(RebaseMessage::json).toList(), e);
        }
    }

    private record RebaseMessage(EventEnvelope<CompositeRebase> event, String json) {
    }

    /**
     * A batch is acknowledged as a whole, so a poison message, or a branch whose merge failed, is
     * dead-lettered here rather than failing the adapters of other branches that arrived with it.
     */
    private void setAside(String topic, MutinyEmitter<String> deadLetters, String branch, Collection<String> messages,
                          RuntimeException failure) {
        LOG.warnf("dead-lettering %d message(s) on %s: %s", messages.size(), topic, failure.getMessage());
        messages.forEach(json -> deadLetters.sendMessageAndAwait(DeadLetters.deadLetter(topic, branch, json, failure)));
        DeadLetters.reject(status, SOURCE, topic, messages, failure);
    }

    /** What one merge is asked to do: a poll's validated adapters of a branch, or a rebase (joined or not). */
    record MergeAsk(String branch, List<AdapterRef> adapters, String strategy, List<AdapterRef> withdrawn, String causeId) {

        /**
         * One ask for the adapters of asks that may join others (rebases of one poll, or requests that
         * waited in the queue): no strategy or withdrawal of their own, so the first speaks for all.
         */
        static MergeAsk joined(List<MergeAsk> asks) {
            MergeAsk first = asks.get(0);
            return asks.size() == 1 ? first : new MergeAsk(first.branch(), asks.stream().flatMap(a -> a.adapters().stream()).distinct().toList(),
                    first.strategy(), first.withdrawn(), first.causeId());
        }
    }

    /**
     * Through the branch's queue ({@link BranchMergeQueue}), so that this branch's merges run one at a
     * time and a merge takes in what the other channel brought meanwhile; retried within the caller's
     * budget, counted from its batch.
     */
    private void merge(MergeAsk ask, boolean mayJoinOthers, long batchStart) {
        queue.merge(ask.branch(), ask, mayJoinOthers, asks -> {
            MergeAsk merge = MergeAsk.joined(asks);
            if (asks.size() > 1) {
                LOG.infof("branch %s: one merge takes in %d requests that waited together, %d adapter(s)", merge.branch(), asks.size(),
                        merge.adapters().size());
            }
            TransientFailures.retry(config.dependencyRetry(), "merge of " + merge.adapters().size() + " adapter(s) on " + merge.branch(),
                    batchStart, () -> build(merge));
        });
    }

    private void build(MergeAsk ask) {
        String branch = ask.branch();
        String causeId = ask.causeId();
        builder.build(branch, ask.adapters(), ask.strategy(), ask.withdrawn(), (refused, detail) -> reject(branch, refused, detail, causeId)).ifPresent(composite -> {
            SubmissionStatus.ofEach(composite.adapters(), branch, Stage.MERGED, composite.strategy() + " composite of "
                    + composite.coefficients().size() + " adapter(s) on version " + composite.parentVersion())
                    .forEach(merged -> EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, merged, composite.compositeId())));
            // Statuses first, so that no submission's history shows its evaluation before its merge.
            EventSender.send(created, EventEnvelope.wrapCausedBy(SOURCE, composite, causeId + "/" + composite.compositeId()));
            verdicts.created(branch, composite.compositeId());
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
