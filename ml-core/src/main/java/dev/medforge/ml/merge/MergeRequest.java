package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.model.TaskHead;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adapters to merge, in arrival order, trained on the same base. {@code objective} is needed only
 * by the strategies that search coefficients (fusion, mixture); it is usually a
 * {@link DistilledSetLoss}.
 *
 * @param classNames each task's class names, where known: the mixture lets a member into another
 *     task's row only where the two tasks name a class in common
 * @param resumeFrom null, or where an earlier sequential fusion of the first of these adapters stood
 * @param parentRows the rows of a task-conditioned mixture of the first of these adapters (each row
 *     as long as that mixture had members), for a mixture to keep the rows its new members cannot
 *     change; empty to compute every row
 */
public record MergeRequest(List<Adapter> adapters, MergeOptions options, CompositeLoss objective,
                           Map<String, List<String>> classNames, FusionProgress resumeFrom, Map<String, double[]> parentRows) {

    public MergeRequest {
        classNames = Map.copyOf(classNames);
        adapters = List.copyOf(adapters);
        parentRows = Map.copyOf(parentRows);
        if (adapters.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        if (adapters.stream().map(Adapter::baseReference).distinct().count() > 1) {
            throw new IllegalArgumentException("adapters were trained on different bases");
        }
        for (Map.Entry<String, double[]> row : parentRows.entrySet()) {
            if (row.getValue().length > adapters.size()) {
                throw new IllegalArgumentException("the parent's row for " + row.getKey() + " has " + row.getValue().length
                        + " weights, more than the " + adapters.size() + " adapters to merge");
            }
        }
    }

    public MergeRequest(List<Adapter> adapters, MergeOptions options, CompositeLoss objective,
                        Map<String, List<String>> classNames) {
        this(adapters, options, objective, classNames, null, Map.of());
    }

    public MergeRequest(List<Adapter> adapters, MergeOptions options, CompositeLoss objective) {
        this(adapters, options, objective, Map.of());
    }

    /**
     * The same request, for sequential fusion to resume from {@code progress} where it covers the
     * first of these adapters under these options (and to start from the first adapter otherwise).
     */
    public MergeRequest resumingFrom(FusionProgress progress) {
        return new MergeRequest(adapters, options, objective, classNames, progress, parentRows);
    }

    /**
     * The same request, for a mixture to keep the rows that its new members cannot change of the
     * parent mixture, whose rows ({@link Composite.Mixture#weights()}) cover the first of these adapters.
     */
    public MergeRequest keepingRowsOf(Map<String, double[]> parentRows) {
        return new MergeRequest(adapters, options, objective, classNames, resumeFrom, parentRows);
    }

    public MergeRequest(List<Adapter> adapters, MergeOptions options) {
        this(adapters, options, null);
    }

    /** Whether both tasks' class names are known and have one in common. */
    boolean shareAClass(String task, String other) {
        List<String> mine = classNames.get(task);
        List<String> theirs = classNames.get(other);
        return mine != null && theirs != null && mine.stream().anyMatch(theirs::contains);
    }

    public Map<String, TaskHead> heads() {
        Map<String, TaskHead> h = new LinkedHashMap<>();
        adapters.forEach(a -> h.put(a.task(), a.head()));
        return h;
    }

    public List<String> tasks() {
        return adapters.stream().map(Adapter::task).toList();
    }

    CompositeLoss requireObjective(String strategy) {
        if (objective == null) {
            throw new IllegalArgumentException(strategy + " searches coefficients and needs an objective (distilled sets)");
        }
        return objective;
    }
}
