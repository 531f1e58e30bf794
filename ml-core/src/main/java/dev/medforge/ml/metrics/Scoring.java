package dev.medforge.ml.metrics;

import dev.medforge.contracts.events.TaskMetrics;

import java.util.Arrays;

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
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = ((long) sortable(scores[i][c]) << 32) | i;
        }
        // A primitive sort of (score, index) keys: boxed indices under a comparator were a tenth of a
        // mixture version's evaluation, which computes this for every class of every task (issue 12).
        Arrays.sort(order);
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            float score = scores[index(order[i])][c];
            int j = i;
            while (j + 1 < n && scores[index(order[j + 1])][c] == score) {
                j++;
            }
            double averageRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (labels[index(order[k])] == c) {
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

    /** An int that orders as {@link Float#compare} orders floats: negatives' magnitude bits flipped, so that they count down. */
    private static int sortable(float score) {
        int bits = Float.floatToIntBits(score);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    private static int index(long key) {
        return (int) key;
    }
}
