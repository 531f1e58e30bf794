package dev.medforge.ml.bench;

import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean and 95% confidence half-width of a few values (one per seed), by Student's t: with three
 * seeds the normal approximation would understate the interval by more than half.
 *
 * @param ci95 half-width of the interval, NaN with fewer than two values
 */
public record Spread(double mean, double ci95, int n) {

    public static Spread of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        int n = v.length;
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        if (n < 2) {
            return new Spread(mean, Double.NaN, n);
        }
        double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
        double t = new TDistribution(n - 1).inverseCumulativeProbability(0.975);
        return new Spread(mean, t * Math.sqrt(var / n), n);
    }

    /** {@code 0.812±0.011}, or the mean alone for a single value. */
    public String format() {
        return Double.isNaN(ci95) ? String.format("%.3f", mean) : String.format("%.3f±%.3f", mean, ci95);
    }
}
