package dev.medforge.gateway.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.Policy;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.VersionDiff;
import dev.medforge.gateway.VersionDiff.Change;
import dev.medforge.gateway.VersionDiff.TaskChange;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Compares two model cards; the registry keeps every card, so nothing is stored for a diff. */
@ApplicationScoped
public class VersionDiffs {

    private final RegistryClient registry;

    VersionDiffs(@RestClient RegistryClient registry) {
        this.registry = registry;
    }

    public Uni<VersionDiff> between(String branch, int from, int to) {
        if (from < 1 || to < 1) {
            throw GatewayException.badRequest("OUT_OF_RANGE", from < 1 ? "from" : "to", "versions start at 1");
        }
        return Uni.combine().all().unis(registry.branch(branch), registry.version(branch, from), registry.version(branch, to))
                .asTuple()
                .map(t -> diff(branch, from, to, t.getItem1().policy(), t.getItem2(), t.getItem3()));
    }

    static VersionDiff diff(String branch, int from, int to, Policy policy, ModelCard before, ModelCard after) {
        List<AdapterRef> was = before.adapters();
        List<AdapterRef> is = after.adapters();
        Set<String> wasIds = ids(was);
        Set<String> isIds = ids(is);
        Map<String, Change<Double>> coefficients = new LinkedHashMap<>();
        Set<String> everyone = new LinkedHashSet<>(wasIds);
        everyone.addAll(isIds);
        everyone.forEach(id -> coefficients.put(id, new Change<>(before.coefficients().get(id), after.coefficients().get(id))));
        Map<String, TaskChange> tasks = new LinkedHashMap<>();
        Set<String> taskNames = new LinkedHashSet<>(before.metrics().keySet());
        taskNames.addAll(after.metrics().keySet());
        for (String task : taskNames) {
            Optional<TaskMetrics> a = Optional.ofNullable(before.metrics().get(task));
            Optional<TaskMetrics> b = Optional.ofNullable(after.metrics().get(task));
            Change<Double> accuracy = new Change<>(a.map(TaskMetrics::accuracy).orElse(null), b.map(TaskMetrics::accuracy).orElse(null));
            Double points = accuracy.from() == null || accuracy.to() == null ? null : 100 * (accuracy.to() - accuracy.from());
            String verdict = accuracy.from() == null ? "new" : accuracy.to() == null ? "dropped"
                    : -points > policy.maxRegression() ? "beyond gate" : "within gate";
            tasks.put(task, new TaskChange(accuracy, new Change<>(a.map(TaskMetrics::auc).orElse(null), b.map(TaskMetrics::auc).orElse(null)),
                    points, verdict));
        }
        return new VersionDiff(branch, from, to, new Change<>(before.strategy(), after.strategy()),
                is.stream().filter(r -> !wasIds.contains(r.submissionId())).toList(),
                was.stream().filter(r -> !isIds.contains(r.submissionId())).toList(),
                coefficients, tasks, new VersionDiff.Gate(policy.maxRegression(), policy.maxNewTaskGap()));
    }

    private static Set<String> ids(List<AdapterRef> refs) {
        Set<String> ids = new LinkedHashSet<>();
        refs.forEach(r -> ids.add(r.submissionId()));
        return ids;
    }
}
