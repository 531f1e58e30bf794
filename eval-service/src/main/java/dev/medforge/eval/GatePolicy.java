package dev.medforge.eval;

import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.TaskMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a composite must achieve to be published, per branch: no published task may lose more than
 * {@code maxRegression} accuracy points against the parent version, a new task must come within
 * {@code maxNewTaskGap} points of its adapter's standalone accuracy, and every metric must be finite.
 */
public record GatePolicy(double maxRegression, double maxNewTaskGap) {

    public GateDecision decide(Map<String, TaskMetrics> metrics, Map<String, TaskMetrics> parent,
                               Map<String, TaskMetrics> standalone) {
        List<String> reasons = new ArrayList<>();
        metrics.forEach((task, m) -> {
            if (!Double.isFinite(m.accuracy()) || !Double.isFinite(m.auc())) {
                reasons.add(task + ": metrics are not finite (accuracy " + m.accuracy() + ", AUC " + m.auc() + ")");
            }
        });
        parent.forEach((task, before) -> {
            TaskMetrics now = metrics.get(task);
            if (now == null) {
                reasons.add(task + ": published in the parent version but not scored in the composite");
            } else if (points(before.accuracy() - now.accuracy()) > maxRegression) {
                reasons.add(String.format(Locale.ROOT, "%s: accuracy fell %.2f points against the parent (%.2f%% -> %.2f%%), more than %.2f allowed",
                        task, points(before.accuracy() - now.accuracy()), points(before.accuracy()), points(now.accuracy()), maxRegression));
            }
        });
        standalone.forEach((task, alone) -> {
            TaskMetrics now = metrics.get(task);
            if (parent.containsKey(task) || now == null) {
                return;
            }
            if (points(alone.accuracy() - now.accuracy()) > maxNewTaskGap) {
                reasons.add(String.format(Locale.ROOT, "%s: new task reaches %.2f%%, %.2f points below its adapter alone (%.2f%%), more than %.2f allowed",
                        task, points(now.accuracy()), points(alone.accuracy() - now.accuracy()), points(alone.accuracy()), maxNewTaskGap));
            }
        });
        return new GateDecision(reasons.isEmpty(), reasons);
    }

    private static double points(double fraction) {
        return fraction * 100;
    }
}
