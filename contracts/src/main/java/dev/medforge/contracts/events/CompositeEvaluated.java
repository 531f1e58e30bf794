package dev.medforge.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * A composite was scored on every task of its branch and the gate decided. It repeats what the
 * registry needs from the composite (adapters, strategy, artifact), so publishing depends on this
 * one event and not on the order in which two topics are read.
 *
 * @param taskCoefficients a mixture's weight rows, as in {@link CompositeCreated}
 * @param metrics       per task, the composite's scores
 * @param parentMetrics per task, the parent version's scores (empty for the first version)
 * @param standalone    per new task, the new adapter's own score, which the gate compares with
 * @param withdrawn     parent members the composite leaves out at a withdrawal request, as in {@link CompositeCreated}
 * @param work          what the composite's merge and evaluation cost (null in events written before it was carried)
 */
public record CompositeEvaluated(
        String compositeId,
        String branch,
        int parentVersion,
        String strategy,
        String artifact,
        List<AdapterRef> adapters,
        Map<String, Double> coefficients,
        Map<String, Map<String, Double>> taskCoefficients,
        Map<String, TaskMetrics> metrics,
        Map<String, TaskMetrics> parentMetrics,
        Map<String, TaskMetrics> standalone,
        GateDecision decision,
        List<AdapterRef> withdrawn,
        WorkTime work) implements EventData {

    public CompositeEvaluated {
        taskCoefficients = taskCoefficients == null ? Map.of() : taskCoefficients;
        withdrawn = withdrawn == null ? List.of() : withdrawn;
    }

    /** A verdict whose cost is not known, as in events written before work time was carried. */
    public CompositeEvaluated(String compositeId, String branch, int parentVersion, String strategy, String artifact,
                              List<AdapterRef> adapters, Map<String, Double> coefficients, Map<String, Map<String, Double>> taskCoefficients,
                              Map<String, TaskMetrics> metrics, Map<String, TaskMetrics> parentMetrics, Map<String, TaskMetrics> standalone,
                              GateDecision decision, List<AdapterRef> withdrawn) {
        this(compositeId, branch, parentVersion, strategy, artifact, adapters, coefficients, taskCoefficients, metrics, parentMetrics,
                standalone, decision, withdrawn, null);
    }

    /** A verdict on a composite that withdraws nothing, or an event written before withdrawals. */
    public CompositeEvaluated(String compositeId, String branch, int parentVersion, String strategy, String artifact,
                              List<AdapterRef> adapters, Map<String, Double> coefficients, Map<String, Map<String, Double>> taskCoefficients,
                              Map<String, TaskMetrics> metrics, Map<String, TaskMetrics> parentMetrics, Map<String, TaskMetrics> standalone,
                              GateDecision decision) {
        this(compositeId, branch, parentVersion, strategy, artifact, adapters, coefficients, taskCoefficients, metrics, parentMetrics,
                standalone, decision, List.of());
    }

    /** A fused composite's verdict, or an event written before mixtures had a row per task. */
    public CompositeEvaluated(String compositeId, String branch, int parentVersion, String strategy, String artifact,
                              List<AdapterRef> adapters, Map<String, Double> coefficients, Map<String, TaskMetrics> metrics,
                              Map<String, TaskMetrics> parentMetrics, Map<String, TaskMetrics> standalone, GateDecision decision) {
        this(compositeId, branch, parentVersion, strategy, artifact, adapters, coefficients, Map.of(), metrics, parentMetrics,
                standalone, decision);
    }

    public record GateDecision(boolean passed, List<String> reasons) {
    }
}
