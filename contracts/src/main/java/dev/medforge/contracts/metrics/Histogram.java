package dev.medforge.contracts.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One Prometheus histogram ({@code name_bucket}, {@code name_count}, {@code name_sum}), its
 * buckets added up over every instance that exposes it and over every label but the one it is
 * grouped by. Quantiles are estimated as Prometheus's {@code histogram_quantile} does: linearly
 * inside the bucket the rank falls in, so they are as fine as the buckets.
 */
public final class Histogram {

    /** Upper bound ({@code le}) to the number of observations at or below it. */
    private final NavigableMap<Double, Double> cumulative = new TreeMap<>();
    private double count;
    private double sum;

    /** The histograms named {@code name} in {@code samples}, by the value of {@code groupBy} ("" where a sample lacks it). */
    public static Map<String, Histogram> of(List<PrometheusText.Sample> samples, String name, String groupBy) {
        Map<String, Histogram> groups = new LinkedHashMap<>();
        for (PrometheusText.Sample s : samples) {
            String group = s.labels().getOrDefault(groupBy, "");
            if (s.name().equals(name + "_bucket") && s.labels().containsKey("le")) {
                groups.computeIfAbsent(group, g -> new Histogram()).cumulative.merge(bound(s.labels().get("le")), s.value(), Double::sum);
            } else if (s.name().equals(name + "_count")) {
                groups.computeIfAbsent(group, g -> new Histogram()).count += s.value();
            } else if (s.name().equals(name + "_sum")) {
                groups.computeIfAbsent(group, g -> new Histogram()).sum += s.value();
            }
        }
        return groups;
    }

    private static double bound(String le) {
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    public double count() {
        return count;
    }

    /** The top of the last bucket that has one: a quantile there means "this much or more". NaN without buckets. */
    public double largestFiniteBound() {
        Double bound = cumulative.lowerKey(Double.POSITIVE_INFINITY);
        return bound == null ? Double.NaN : bound;
    }

    /** The mean observation, or NaN before the first. */
    public double mean() {
        return count > 0 ? sum / count : Double.NaN;
    }

    /**
     * The {@code q}-quantile (0 ≤ q ≤ 1), or NaN without observations or buckets. A rank in the
     * open-ended last bucket reads as {@link #largestFiniteBound()}: the histogram knows no more.
     */
    public double quantile(double q) {
        if (q < 0 || q > 1) {
            throw new IllegalArgumentException("a quantile lies in [0, 1], not " + q);
        }
        if (cumulative.isEmpty() || cumulative.lastEntry().getValue() <= 0) {
            return Double.NaN;
        }
        double rank = q * cumulative.lastEntry().getValue();
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            double upper = bucket.getKey();
            double atOrBelow = bucket.getValue();
            if (atOrBelow >= rank) {
                if (upper == Double.POSITIVE_INFINITY) {
                    return lower;
                }
                return atOrBelow == below ? upper : lower + (upper - lower) * (rank - below) / (atOrBelow - below);
            }
            lower = upper;
            below = atOrBelow;
        }
        return lower;
    }
}
