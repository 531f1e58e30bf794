package dev.medforge.registry.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.Duplicates;
import dev.medforge.contracts.events.EventData;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.registry.BranchStrategy;
import dev.medforge.registry.Branch;
import dev.medforge.registry.Composite;
import dev.medforge.registry.JsonText;
import dev.medforge.registry.ModelVersion;
import dev.medforge.registry.OutboxEvent;
import dev.medforge.registry.PublishDecision;
import dev.medforge.registry.Submission;
import dev.medforge.registry.Task;
import dev.medforge.registry.Withdrawal;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The merge queue's one writer of heads. Each evaluated composite is decided in one transaction
 * that holds the branch row lock, so two composites built on the same parent can never both become
 * the next version: the second one finds the head moved and is sent back for a rebase.
 */
@ApplicationScoped
public class PublishingService {

    public static final String SOURCE = "registry-service";
    private static final Logger LOG = Logger.getLogger(PublishingService.class);

    @WithTransaction
    public Uni<PublishDecision> decide(EventEnvelope<CompositeEvaluated> event) {
        CompositeEvaluated evaluated = event.data();
        return Branch.<Branch>findById(evaluated.branch(), LockModeType.PESSIMISTIC_WRITE)
                .flatMap(branch -> {
                    if (branch == null) {
                        throw new IllegalArgumentException("composite " + evaluated.compositeId()
                                + " names unknown branch '" + evaluated.branch() + "'");
                    }
                    return Composite.<Composite>findById(evaluated.compositeId())
                            .flatMap(known -> known != null
                                    ? duplicate(known, event)
                                    : record(evaluated).flatMap(composite -> apply(branch, event)
                                            .invoke(decision -> composite.decided(decision, evaluated.decision().reasons()))));
                })
                .invoke(decision -> LOG.infof("composite %s on %s (parent v%d): %s", evaluated.compositeId(),
                        evaluated.branch(), evaluated.parentVersion(), decision));
    }

    /**
     * The composite id hashes the adapters' bytes, not the submissions, so a known id is either this
     * decision's redelivery (its submissions were answered then) or the same adapters sent again under
     * other submission ids. Those end here as REJECTED with rule DUPLICATE, naming the submission they
     * repeat and what became of it, instead of waiting for a verdict that was already given.
     */
    private static Uni<PublishDecision> duplicate(Composite known, EventEnvelope<CompositeEvaluated> event) {
        CompositeEvaluated evaluated = event.data();
        List<AdapterRef> earlier = known.adapterRefs();
        List<AdapterRef> repeats = evaluated.adapters().stream()
                .filter(a -> earlier.stream().noneMatch(e -> e.submissionId().equals(a.submissionId())))
                .toList();
        if (repeats.isEmpty()) {
            return Uni.createFrom().item(PublishDecision.DUPLICATE);
        }
        return ModelVersion.<ModelVersion>find("compositeId", known.id).firstResult().flatMap(version -> {
            String where = version == null ? "composite " + known.id + " (decided, not published)" : "version " + version.number;
            List<EventData> events = new ArrayList<>();
            for (AdapterRef repeat : repeats) {
                // Same composite id, same sorted adapter digests: each repeat has its earlier twin.
                AdapterRef original = earlier.stream().filter(e -> e.adapterModel().equals(repeat.adapterModel())).findFirst()
                        .orElseThrow();
                events.add(SubmissionStatus.of(repeat, evaluated.branch(), Stage.REJECTED, Duplicates.detail(original, repeat, where)));
            }
            return outbox(event, events);
        }).replaceWith(PublishDecision.DUPLICATE);
    }

    private Uni<PublishDecision> apply(Branch branch, EventEnvelope<CompositeEvaluated> event) {
        CompositeEvaluated evaluated = event.data();
        // Stale first: a verdict against an old parent says nothing about the composite on the head.
        if (evaluated.parentVersion() != branch.headVersion) {
            CompositeRebase rebase = new CompositeRebase(branch.id, branch.headVersion, branch.headCompositeId,
                    evaluated.compositeId(), evaluated.adapters(), null, evaluated.withdrawn(), CompositeRebase.Reason.STALE);
            return outbox(event, List.of(rebase)).replaceWith(PublishDecision.REBASE);
        }
        return Task.<Task>list("branchId", branch.id).flatMap(tasks -> {
            Map<String, String> owners = tasks.stream().collect(Collectors.toMap(t -> t.name, t -> t.institution));
            List<AdapterRef> notOwned = evaluated.adapters().stream()
                    .filter(a -> !a.institution().equals(owners.get(a.task())))
                    .toList();
            return notOwned.isEmpty() ? judge(branch, event) : refuse(branch, event, notOwned);
        });
    }

    /**
     * Behind ingest's own check: heads are keyed by task name, so publishing an adapter in another
     * institution's task would replace that institution's head. Whatever the gate said, it judged a
     * composite that must not exist; the other adapters go back to be merged without the refused ones.
     */
    private static Uni<PublishDecision> refuse(Branch branch, EventEnvelope<CompositeEvaluated> event, List<AdapterRef> notOwned) {
        CompositeEvaluated evaluated = event.data();
        List<EventData> events = new ArrayList<>(SubmissionStatus.ofEach(notOwned, evaluated.branch(), Stage.REJECTED,
                "TASK_NOT_OWNED task"));
        List<AdapterRef> owned = evaluated.adapters().stream().filter(a -> !notOwned.contains(a)).toList();
        if (!owned.isEmpty() || !evaluated.withdrawn().isEmpty()) {
            events.add(new CompositeRebase(branch.id, branch.headVersion, branch.headCompositeId, evaluated.compositeId(), owned, null,
                    evaluated.withdrawn(), CompositeRebase.Reason.NOT_OWNED));
        }
        return outbox(event, events).replaceWith(PublishDecision.NOT_OWNED);
    }

    private Uni<PublishDecision> judge(Branch branch, EventEnvelope<CompositeEvaluated> event) {
        CompositeEvaluated evaluated = event.data();
        if (!evaluated.decision().passed()) {
            String reasons = String.join("; ", evaluated.decision().reasons());
            Optional<String> next = BranchStrategy.of(branch.strategy).flatMap(s -> s.afterFailedGate(evaluated.strategy()));
            if (next.isPresent()) {
                List<EventData> events = new ArrayList<>();
                events.add(new CompositeRebase(branch.id, branch.headVersion, branch.headCompositeId, evaluated.compositeId(),
                        evaluated.adapters(), next.get(), evaluated.withdrawn(), CompositeRebase.Reason.FALLBACK));
                events.addAll(statuses(evaluated, Stage.EVALUATED, evaluated.strategy() + " failed the gate (" + reasons + "); trying "
                        + next.get()));
                return outbox(event, events).replaceWith(PublishDecision.FALLBACK);
            }
            if (evaluated.adapters().size() > 1) {
                return outbox(event, split(branch, evaluated, reasons)).replaceWith(PublishDecision.SPLIT);
            }
            return withdrawals(evaluated, w -> {
                w.state = Withdrawal.State.GATED_OUT;
                w.gateReasons = reasons;
            }).flatMap(w -> outbox(event, statuses(evaluated, Stage.GATED_OUT, reasons))).replaceWith(PublishDecision.GATED_OUT);
        }
        ModelVersion version = new ModelVersion();
        version.branchId = branch.id;
        version.number = branch.headVersion + 1;
        version.compositeId = evaluated.compositeId();
        version.artifact = evaluated.artifact();
        version.strategy = evaluated.strategy();
        version.metrics = JsonText.write(evaluated.metrics());
        if (evaluated.work() != null) {
            version.mergeMillis = evaluated.work().mergeMillis();
            version.evaluationMillis = evaluated.work().evaluationMillis();
        }
        version.publishedAt = Instant.now();
        branch.headVersion = version.number;
        branch.headCompositeId = version.compositeId;

        List<EventData> events = new ArrayList<>();
        events.add(new ModelPublished(branch.id, version.number, version.compositeId, version.artifact, version.strategy,
                evaluated.adapters().stream().map(AdapterRef::submissionId).toList(), evaluated.metrics(),
                evaluated.withdrawn().stream().map(AdapterRef::submissionId).toList()));
        events.addAll(statuses(evaluated, Stage.PUBLISHED, "version " + version.number));
        return version.persist()
                .flatMap(v -> withdrawals(evaluated, w -> {
                    w.state = Withdrawal.State.PUBLISHED;
                    w.version = version.number;
                    w.publishedAt = version.publishedAt;
                }))
                .flatMap(done -> submittedHere(branch.id, done))
                .flatMap(done -> {
                    done.forEach(w -> events.add(new SubmissionStatus(w.submissionId, w.institution, branch.id, Stage.WITHDRAWN,
                            "withdrawn at the request of " + w.requestedBy + " (" + w.requestedAt + "); version " + version.number
                                    + " and later omit it")));
                    return outbox(event, events);
                })
                .replaceWith(PublishDecision.PUBLISHED);
    }

    /**
     * A group that fails the gate shares no verdict: one adapter that breaks a task would take the
     * others down with it. The group goes back in two halves, each merged onto the head with the
     * branch's own strategy, so a bad adapter is alone after log2(n) rounds and is gated out then,
     * while each half without it is published. A withdrawal in the group goes with the first half.
     */
    private static List<EventData> split(Branch branch, CompositeEvaluated evaluated, String reasons) {
        List<AdapterRef> adapters = evaluated.adapters();
        int n = adapters.size();
        List<List<AdapterRef>> halves = List.of(adapters.subList(0, (n + 1) / 2), adapters.subList((n + 1) / 2, n));
        List<EventData> events = new ArrayList<>();
        for (int h = 0; h < halves.size(); h++) {
            List<AdapterRef> half = List.copyOf(halves.get(h));
            events.add(new CompositeRebase(branch.id, branch.headVersion, branch.headCompositeId, evaluated.compositeId(), half, null,
                    h == 0 ? evaluated.withdrawn() : List.of(), CompositeRebase.Reason.SPLIT));
            events.addAll(SubmissionStatus.ofEach(half, evaluated.branch(), Stage.EVALUATED, "the " + evaluated.strategy()
                    + " composite of " + n + " adapters failed the gate (" + reasons + "); the group is split, and this adapter goes back "
                    + (half.size() == 1 ? "alone" : "with " + (half.size() - 1) + " of the others") + " to be merged on version "
                    + branch.headVersion));
        }
        return events;
    }

    /** The pending withdrawals a decided composite answers, each updated by {@code outcome}. */
    private static Uni<List<Withdrawal>> withdrawals(CompositeEvaluated evaluated, Consumer<Withdrawal> outcome) {
        if (evaluated.withdrawn().isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Withdrawal.<Withdrawal>list("branchId = ?1 and submissionId in ?2 and state = ?3", evaluated.branch(),
                        evaluated.withdrawn().stream().map(AdapterRef::submissionId).toList(), Withdrawal.State.PENDING)
                .invoke(pending -> pending.forEach(outcome));
    }

    /**
     * The withdrawals whose submission was submitted to this branch. A submission has one status, the
     * one it has in its own branch: withdrawn from a fork, it is still in its source's head, so it
     * stays PUBLISHED there; the fork's card and model.published tell of that withdrawal.
     */
    private static Uni<List<Withdrawal>> submittedHere(String branchId, List<Withdrawal> withdrawals) {
        if (withdrawals.isEmpty()) {
            return Uni.createFrom().item(withdrawals);
        }
        return Submission.<Submission>list("id in ?1 and branch = ?2", withdrawals.stream().map(w -> w.submissionId).toList(), branchId)
                .map(own -> {
                    Set<String> ids = own.stream().map(s -> s.id).collect(Collectors.toSet());
                    return withdrawals.stream().filter(w -> ids.contains(w.submissionId)).toList();
                });
    }

    private static Uni<Composite> record(CompositeEvaluated evaluated) {
        Composite composite = new Composite();
        composite.id = evaluated.compositeId();
        composite.branchId = evaluated.branch();
        composite.parentVersion = evaluated.parentVersion();
        composite.strategy = evaluated.strategy();
        composite.artifact = evaluated.artifact();
        composite.coefficients = JsonText.write(evaluated.coefficients());
        composite.taskCoefficients = JsonText.write(evaluated.taskCoefficients());
        composite.adapters = JsonText.write(evaluated.adapters());
        composite.createdAt = Instant.now();
        return composite.persist();
    }

    private static List<EventData> statuses(CompositeEvaluated evaluated, Stage stage, String detail) {
        return List.copyOf(SubmissionStatus.ofEach(evaluated.adapters(), evaluated.branch(), stage, detail));
    }

    /**
     * Queues events in the current transaction; ids derive from the cause, so a resend is a recognisable repeat.
     * There may be none: a withdrawal's composite that fails the gate brings no submission whose status changes.
     */
    private static Uni<Void> outbox(EventEnvelope<?> cause, List<EventData> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant now = Instant.now();
        List<OutboxEvent> rows = events.stream()
                .map(data -> OutboxEvent.of(EventEnvelope.wrapCausedBy(SOURCE, data, cause.id()), now))
                .toList();
        return OutboxEvent.persist(rows);
    }
}
