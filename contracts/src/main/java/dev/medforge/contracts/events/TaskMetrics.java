package dev.medforge.contracts.events;

/** Scores of one task on its evaluation suite: accuracy in [0,1], macro one-vs-rest AUC, sample count. */
public record TaskMetrics(double accuracy, double auc, int n) {
}
