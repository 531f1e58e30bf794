package dev.medforge.ml.metrics;

import dev.medforge.contracts.events.TaskMetrics;

/**
 * Scores one model on one task's evaluation suite, as the wire's {@link TaskMetrics}: accuracy is the
 * fraction of samples whose arg-max class is the label, AUC the macro one-vs-rest ROC AUC over the
 * classes that have both positives and negatives (NaN when no class does).
 */
public final class Scoring {

    private Scoring() {
    }

    /**
     * Scores class probabilities (or any per-class scores that rank like them).
     *
     * @param scores [n][C] per-sample class scores
     * @param labels [n] class indices in [0, C)
     */
    public static TaskMetrics of(float[][] scores, int[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException(scores.length + " score rows for " + labels.length + " labels");
        }
        int n = labels.length;
        if (n == 0) {
            return new TaskMetrics(Double.NaN, Double.NaN, 0);
        }
        int classes = scores[0].length;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (argMax(scores[i]) == labels[i]) {
                correct++;
            }
        }
        double aucSum = 0;
        int defined = 0;
        for (int c = 0; c < classes; c++) {
            double auc = oneVsRestAuc(scores, labels, c);
            if (!Double.isNaN(auc)) {
                aucSum += auc;
                defined++;
            }
        }
        return new TaskMetrics((double) correct / n, defined == 0 ? Double.NaN : aucSum / defined, n);
    }

    /** First index of the maximum, so ties resolve the same way everywhere. */
    public static int argMax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * Mann-Whitney form of the AUC: the positives' rank sum, with tied scores sharing the average
     * of their ranks so a tie counts one half, as the trapezoidal ROC does.
     */
    static double oneVsRestAuc(float[][] scores, int[] labels, int c) {
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(scores[a][c], scores[b][c]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]][c] == scores[order[i]][c]) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[order[k]] == c) {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }
}
