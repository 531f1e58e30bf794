package dev.medforge.ml.merge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far one composite strays from a reference on each image of each task: KL(reference ||
 * composite) in nats, or whether its top class differs (a disagreement, 0 or 1). Kept per image,
 * not only as a mean, so two composites judged on the same images can be compared with the noise of
 * those images in view.
 */
record Divergences(Map<String, double[]> perImage) {

    /**
     * One-sided 95% normal quantile. A composite replaces a safer one only when its lead is larger
     * than what the images it was judged on would show by chance one time in twenty.
     */
    static final double CLEAR_LEAD = 1.645;

    /** The reference's class probabilities on each task, computed once for every composite it judges. */
    record Reference(CompositeLoss half, Map<String, float[][]> probabilities) {
        static Reference of(CompositeLoss half, Composite reference, List<String> tasks) {
            return new Reference(half, half.probabilities(reference, tasks));
        }

        /**
         * Per image, 1 where the composite's top class is not the reference's, else 0: the
         * accuracy-aligned yardstick, blind to how confident either is.
         */
        Divergences disagreementsOf(Composite composite) {
            Map<String, float[][]> got = half.probabilities(composite, List.copyOf(probabilities.keySet()));
            Map<String, double[]> d = new LinkedHashMap<>();
            probabilities.forEach((task, expected) -> d.put(task, disagreements(expected, got.get(task))));
            return new Divergences(d);
        }

        Divergences of(Composite composite) {
            Map<String, float[][]> got = half.probabilities(composite, List.copyOf(probabilities.keySet()));
            Map<String, double[]> kl = new LinkedHashMap<>();
            probabilities.forEach((task, expected) -> kl.put(task, perImage(expected, got.get(task))));
            return new Divergences(kl);
        }
    }

    /** KL(expected || got) of each row. */
    static double[] perImage(float[][] expected, float[][] got) {
        double[] kl = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[i].length; k++) {
                kl[i] += expected[i][k] * (Math.log(Math.max(expected[i][k], CompositeLoss.MIN_PROBABILITY))
                        - Math.log(Math.max(got[i][k], CompositeLoss.MIN_PROBABILITY)));
            }
        }
        return kl;
    }

    /** 1 for each row whose top class differs between {@code expected} and {@code got}, else 0. */
    static double[] disagreements(float[][] expected, float[][] got) {
        double[] d = new double[expected.length];
        for (int i = 0; i < expected.length; i++) {
            d[i] = topClass(expected[i]) == topClass(got[i]) ? 0 : 1;
        }
        return d;
    }

    private static int topClass(float[] p) {
        int top = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[top]) {
                top = k;
            }
        }
        return top;
    }

    /** Mean over the tasks of each task's mean divergence: every task weighs the same, whatever its image count. */
    double mean() {
        return perImage.values().stream().mapToDouble(Divergences::average).average().orElseThrow();
    }

    /**
     * Whether this composite strays less than {@code other} by a clear lead: a paired test on the
     * same images, where the standard error of the difference of the task-weighted means is
     * sqrt(Σ_t s_t² / n_t) / T. With no spread at all, any lead counts.
     */
    boolean clearlyBelow(Divergences other) {
        double lead = 0;
        double variance = 0;
        for (Map.Entry<String, double[]> task : perImage.entrySet()) {
            double[] mine = task.getValue();
            double[] theirs = other.perImage.get(task.getKey());
            double[] d = new double[mine.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = theirs[i] - mine[i];
            }
            double mean = average(d);
            double squares = 0;
            for (double x : d) {
                squares += (x - mean) * (x - mean);
            }
            lead += mean;
            variance += d.length < 2 ? 0 : squares / (d.length - 1) / d.length;
        }
        int tasks = perImage.size();
        return lead / tasks > CLEAR_LEAD * Math.sqrt(variance) / tasks;
    }

    private static double average(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }
}
