package dev.medforge.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * A composite was scored on every task of its branch and the gate decided.
 *
 * @param metrics       per task, the composite's scores
 * @param parentMetrics per task, the parent version's scores (empty for the first version)
 * @param standalone    per new task, the new adapter's own score, which the gate compares with
 */
public record CompositeEvaluated(
        String compositeId,
        String branch,
        int parentVersion,
        Map<String, TaskMetrics> metrics,
        Map<String, TaskMetrics> parentMetrics,
        Map<String, TaskMetrics> standalone,
        GateDecision decision) implements EventData {

    public record GateDecision(boolean passed, List<String> reasons) {
    }
}
