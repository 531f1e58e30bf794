package dev.medforge.ml.merge;

import java.util.Arrays;

/**
 * TIES-merging (Yadav et al., 2023): trim every weighted task vector to its top {@code density}
 * fraction by magnitude, elect each entry's sign as the sign of the summed trimmed values, then
 * average only the entries that agree with it. The rest is the family's ({@link SparsifiedDeltaMerge}).
 */
final class TiesMerge extends SparsifiedDeltaMerge {
    @Override
    public String name() {
        return "ties";
    }

    @Override
    Sparsifier sparsifier(MergeOptions options) {
        return (delta, weight) -> trim(scaled(delta, weight), options.density());
    }

    @Override
    double[] consensus(double[][] trimmed) {
        return electAndAverage(trimmed);
    }

    /** Each entry's sign is the sign of its sum; the entries that agree with it are averaged. */
    static double[] electAndAverage(double[][] trimmed) {
        int len = trimmed[0].length;
        double[] merged = new double[len];
        for (int k = 0; k < len; k++) {
            double total = 0;
            for (double[] t : trimmed) {
                total += t[k];
            }
            double sign = Math.signum(total);
            double sum = 0;
            int agreeing = 0;
            for (double[] t : trimmed) {
                if (t[k] != 0 && Math.signum(t[k]) == sign) {
                    sum += t[k];
                    agreeing++;
                }
            }
            merged[k] = agreeing == 0 ? 0 : sum / agreeing;
        }
        return merged;
    }

    /**
     * Keeps the ceil(density * n) largest magnitudes (ties broken by position), zeroes the rest. The
     * cut is the keep-th largest magnitude, found on a sorted primitive copy: TIES over a long
     * lineage trims every member's every module, and sorting boxed indices with a comparator made
     * trimming most of TIES' own work at version 20 (issue 12). Values are finite (the reader
     * refuses NaN), so magnitudes order totally.
     */
    static double[] trim(double[] v, double density) {
        int keep = (int) Math.ceil(density * v.length);
        double[] out = new double[v.length];
        if (keep <= 0) {
            return out;
        }
        double[] magnitudes = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            magnitudes[i] = Math.abs(v[i]);
        }
        double[] ascending = magnitudes.clone();
        Arrays.sort(ascending);
        double cut = ascending[Math.max(0, v.length - keep)];
        int kept = 0;
        for (double m : magnitudes) {
            if (m > cut) {
                kept++;
            }
        }
        for (int i = 0; i < v.length; i++) {
            if (magnitudes[i] > cut || (magnitudes[i] == cut && kept++ < keep)) {
                out[i] = v[i];
            }
        }
        return out;
    }
}
