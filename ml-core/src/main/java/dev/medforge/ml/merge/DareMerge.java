package dev.medforge.ml.merge;

import java.util.Random;

/**
 * DARE (Yu et al., 2024): drop every entry of a delta with probability p and divide the survivors
 * by 1 - p, so each entry keeps its expected value; the weighted deltas are then added up. Seeded,
 * so a merge is repeatable. The rest is the family's ({@link SparsifiedDeltaMerge}).
 */
final class DareMerge extends SparsifiedDeltaMerge {
    @Override
    public String name() {
        return "dare";
    }

    @Override
    Sparsifier sparsifier(MergeOptions options) {
        Random rnd = new Random(options.seed());
        double p = options.dropRate();
        return (delta, weight) -> scaled(dropAndRescale(delta, p, rnd), weight);
    }

    @Override
    double[] consensus(double[][] sparse) {
        double[] sum = new double[sparse[0].length];
        for (double[] d : sparse) {
            for (int k = 0; k < sum.length; k++) {
                sum[k] += d[k];
            }
        }
        return sum;
    }

    static double[] dropAndRescale(double[] delta, double p, Random rnd) {
        double[] out = new double[delta.length];
        for (int k = 0; k < delta.length; k++) {
            out[k] = rnd.nextDouble() < p ? 0 : delta[k] / (1 - p);
        }
        return out;
    }
}
