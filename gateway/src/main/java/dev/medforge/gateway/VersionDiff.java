package dev.medforge.gateway;

import dev.medforge.contracts.events.AdapterRef;

import java.util.List;
import java.util.Map;

/**
 * What changed between two published versions of a branch, read from their model cards: the
 * equivalent of {@code git diff v1 v2} for a composite.
 *
 * @param added adapters in {@code to} that {@code from} did not hold, in arrival order
 * @param removed adapters {@code from} held that {@code to} no longer does (a withdrawal)
 * @param coefficients per submission, its coefficient in each version (null where absent)
 * @param tasks per task, its metrics in each version and what the gate makes of the change
 * @param gate the branch's policy now, against which {@link TaskChange#verdict()} is read
 */
public record VersionDiff(String branch, int from, int to, Change<String> strategy, List<AdapterRef> added,
                          List<AdapterRef> removed, Map<String, Change<Double>> coefficients, Map<String, TaskChange> tasks,
                          Gate gate) {

    public record Change<T>(T from, T to) {
    }

    /**
     * Accuracy and AUC in each version (null where the task is absent), and the accuracy change in
     * points (percentage points, as the gate counts them).
     *
     * @param verdict {@code new}, {@code dropped}, {@code within gate} or {@code beyond gate} (accuracy fell by
     *     more than the branch's maxRegression)
     */
    public record TaskChange(Change<Double> accuracy, Change<Double> auc, Double accuracyPoints, String verdict) {
    }

    public record Gate(double maxRegression, double maxNewTaskGap) {
    }
}
