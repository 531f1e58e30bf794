package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.model.TaskHead;
import java.util.Arrays;
import java.util.List;

/**
 * The mixture weights problem, solved exactly. With each member's true-class probabilities cached
 * (one forward pass per member and task), the mixture's cross-entropy -mean log(sum_j w_j p_ij / sum_j w_j)
 * is a convex function of the normalised weights alone, so EM on the simplex finds its minimum in
 * microseconds, where a gradient-free search spends a forward pass of every member per evaluation.
 * The normalisation makes the objective scale-invariant: a search can no longer gain by inflating
 * every weight, which is what drove the old unnormalised search to the uniform mixture.
 */
final class MixtureWeights {
    private static final int ITERATIONS = 500;
    /** Weights below this share of a row are dropped, so their member is not run at inference. */
    private static final double NEGLIGIBLE = 1e-3;

    private MixtureWeights() {
    }

    /** p[m][i]: member m alone (base + its LoRA) under {@code head}, on image i of {@code task}. */
    static double[][] likelihoods(CompositeLoss data, List<Adapter> members, String task, TaskHead head) {
        double[] every = new double[members.size()];
        Arrays.fill(every, 1);
        return likelihoods(data, members, task, head, every);
    }

    /**
     * As above, run only for the members with a positive weight in {@code start}; the others get a row
     * of zeros. EM keeps a weight that starts at 0 at 0, so running those members would only cost: a
     * row of a task-conditioned mixture with T tasks would otherwise run all M members, T x M forward
     * passes per version, where only the few that share a class with the task may join (issue 12).
     */
    static double[][] likelihoods(CompositeLoss data, List<Adapter> members, String task, TaskHead head, double[] start) {
        double[][] p = new double[members.size()][];
        int n = 0;
        for (int m = 0; m < members.size(); m++) {
            if (start[m] > 0) {
                p[m] = data.memberTrueClassProbabilities(members.get(m).modules(), head, task);
                n = p[m].length;
            }
        }
        for (int m = 0; m < members.size(); m++) {
            if (p[m] == null) {
                p[m] = new double[n];
            }
        }
        return p;
    }

    /** Mean cross-entropy of the normalised mixture {@code w} over images, each task weighing the same. */
    static double loss(List<double[][]> tasks, double[] w) {
        double total = 0;
        for (double[][] p : tasks) {
            total += CompositeLoss.crossEntropy(mixed(p, normalised(w)));
        }
        return total / tasks.size();
    }

    /**
     * EM for mixture proportions: each step moves every weight to the mean responsibility of its
     * member. It never increases the loss, and a weight that starts at 0 stays there, so start
     * inside the simplex.
     */
    static double[] solve(List<double[][]> tasks, double[] start) {
        double[] w = normalised(start);
        for (int it = 0; it < ITERATIONS; it++) {
            double[] next = new double[w.length];
            for (double[][] p : tasks) {
                double[] mix = mixed(p, w);
                int n = mix.length;
                for (int m = 0; m < w.length; m++) {
                    double responsibility = 0;
                    for (int i = 0; i < n; i++) {
                        responsibility += w[m] * floor(p[m][i]) / mix[i];
                    }
                    next[m] += responsibility / n / tasks.size();
                }
            }
            w = normalised(next);
        }
        return w;
    }

    /** The row normalised, without the members whose share is negligible. */
    static double[] pruned(double[] row) {
        double[] out = normalised(row);
        for (int m = 0; m < out.length; m++) {
            if (out[m] < NEGLIGIBLE) {
                out[m] = 0;
            }
        }
        return normalised(out);
    }

    static double[] uniform(int members) {
        double[] w = new double[members];
        Arrays.fill(w, 1.0 / members);
        return w;
    }

    static double[] normalised(double[] w) {
        double sum = Arrays.stream(w).sum();
        return Arrays.stream(w).map(x -> x / sum).toArray();
    }

    private static double[] mixed(double[][] p, double[] w) {
        double[] mix = new double[p[0].length];
        for (int m = 0; m < w.length; m++) {
            if (w[m] == 0) {
                continue;
            }
            for (int i = 0; i < mix.length; i++) {
                mix[i] += w[m] * floor(p[m][i]);
            }
        }
        return mix;
    }

    private static double floor(double p) {
        return Math.max(p, CompositeLoss.MIN_PROBABILITY);
    }
}
