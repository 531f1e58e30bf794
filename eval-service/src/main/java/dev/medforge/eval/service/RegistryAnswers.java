package dev.medforge.eval.service;

import dev.medforge.contracts.LeastRecentlyUsed;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.TaskView;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an evaluation needs from the registry, asked only where the answer can have changed. Asked
 * every time, one after the other, the branch, its tasks and the parent version were about half of
 * a mixture version's evaluation, which scores only its new member (issue 12).
 * <ul>
 * <li>The branch is asked every time: its head and its gate move.</li>
 * <li>A task's evaluation suite is asked once: the registry refuses a different task under a
 *     registered name, so only a task not seen yet costs a call.</li>
 * <li>The parent version's scores are this worker's passed verdict on the parent composite, when it
 *     gave one: the registry publishes a version with its verdict's scores. A parent this worker did
 *     not evaluate (another eval worker's, a fork's, one from before a restart) is asked for, at the
 *     same time as the branch.</li>
 * </ul>
 */
@ApplicationScoped
public class RegistryAnswers {

    /** Tasks of this many branches and verdicts on this many composites are kept: a few versions' worth per branch. */
    private static final int KEPT = 256;

    private final RegistryClient registry;
    private final MeterRegistry meters;
    /** By branch id and creation time: a branch made again under its name (a registry started on an empty database) has tasks of its own. */
    private final Map<String, Map<String, TaskView>> tasksByBranch = LeastRecentlyUsed.map(KEPT);
    /** By branch and composite id: a composite of the same inputs on another branch is scored on that branch's suites. */
    private final Map<String, Map<String, TaskMetrics>> passedVerdicts = LeastRecentlyUsed.map(KEPT);

    RegistryAnswers(@RestClient RegistryClient registry, MeterRegistry meters) {
        this.registry = registry;
        this.meters = meters;
    }

    /** The composite's branch as it is now, and the scores of the version it was built on (none on version 0). */
    public record Branch(BranchView view, Map<String, TaskMetrics> parentMetrics) {
    }

    public Branch branch(CompositeCreated created) {
        Uni<Map<String, TaskMetrics>> parent = created.parentVersion() == 0 ? Uni.createFrom().item(Map.of()) : parentMetrics(created);
        return Uni.combine().all().unis(registry.branch(created.branch()), parent).with(Branch::new).await().indefinitely();
    }

    private Uni<Map<String, TaskMetrics>> parentMetrics(CompositeCreated created) {
        Map<String, TaskMetrics> remembered = created.parentCompositeId() == null ? null
                : passedVerdicts.get(created.branch() + "|" + created.parentCompositeId());
        count("parent", remembered != null);
        return remembered != null ? Uni.createFrom().item(remembered)
                : registry.version(created.branch(), created.parentVersion()).map(ModelCard::metrics);
    }

    /** The branch's task {@code name}, or null when the registry has no such task. */
    public TaskView task(BranchView branch, String name) {
        String key = branch.id() + "|" + branch.createdAt();
        TaskView known = tasksByBranch.getOrDefault(key, Map.of()).get(name);
        count("task", known != null);
        if (known != null) {
            return known;
        }
        Map<String, TaskView> tasks = registry.tasks(branch.id()).await().indefinitely().stream()
                .collect(Collectors.toMap(TaskView::name, Function.identity()));
        tasksByBranch.put(key, tasks);
        return tasks.get(name);
    }

    /** Remembers a passed verdict's scores: the version the registry publishes from it is the parent of the branch's next composites. */
    public void evaluated(CompositeEvaluated verdict) {
        if (verdict.decision().passed()) {
            passedVerdicts.put(verdict.branch() + "|" + verdict.compositeId(), verdict.metrics());
        }
    }

    private void count(String answer, boolean known) {
        meters.counter("medforge.eval.registry.answers", "answer", answer, "result", known ? "known" : "asked").increment();
    }
}
