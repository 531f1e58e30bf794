package dev.medforge.ml.distill;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.privacy.MembershipAudit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * How close each synthetic image is to the institution's real data: its L2 distance to the
 * nearest real image, and the ratio of that distance to the typical (median) distance between a
 * real image and its nearest other real image. A ratio well below 1 means a synthetic image is
 * closer to some patient's image than real images are to each other: a memorisation warning.
 *
 * <p>Schema versions of {@code privacy-report.json}: 1 holds the ratios alone (a file without
 * {@code schemaVersion} reads as 1); 2 adds {@code membershipAudit}, the attacks' AUCs
 * ({@link MembershipAudit}).
 */
public record PrivacyReport(double typicalRealNearestNeighbour, int realSampled, double minRatio, List<Entry> images,
                            MembershipAudit membershipAudit, int schemaVersion) {

    public static final int WITH_AUDIT = 2;

    public record Entry(int index, int label, double nearestRealDistance, double ratio) { }

    public PrivacyReport {
        schemaVersion = schemaVersion == 0 ? 1 : schemaVersion;
    }

    /** A version-1 report: the ratios, no audit. */
    public PrivacyReport(double typicalRealNearestNeighbour, int realSampled, double minRatio, List<Entry> images) {
        this(typicalRealNearestNeighbour, realSampled, minRatio, images, null, 1);
    }

    public PrivacyReport withAudit(MembershipAudit audit) {
        return new PrivacyReport(typicalRealNearestNeighbour, realSampled, minRatio, images, audit, WITH_AUDIT);
    }

    public static PrivacyReport compute(LabeledImages synthetic, LabeledImages real, int realSample, long seed) {
        int d = real.imageSize();
        int[] order = new Random(seed).ints(0, real.size()).distinct().limit(Math.min(realSample, real.size())).toArray();
        double[] realNn = new double[order.length];
        for (int s = 0; s < order.length; s++) {
            realNn[s] = nearest(real.pixels(), order[s] * d, real, order[s]);
        }
        double[] sorted = realNn.clone();
        Arrays.sort(sorted);
        double typical = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
        List<Entry> entries = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < synthetic.size(); i++) {
            double dist = nearest(synthetic.pixels(), i * d, real, -1);
            double ratio = dist / typical;
            min = Math.min(min, ratio);
            entries.add(new Entry(i, synthetic.labels()[i], dist, ratio));
        }
        return new PrivacyReport(typical, order.length, min, List.copyOf(entries));
    }

    /** Distance from the image at {@code offset} to the nearest real image other than {@code skip}. */
    private static double nearest(float[] pixels, int offset, LabeledImages real, int skip) {
        int d = real.imageSize();
        float[] rp = real.pixels();
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < real.size(); j++) {
            if (j == skip) {
                continue;
            }
            double s = 0;
            int base = j * d;
            for (int k = 0; k < d && s < best; k++) {
                double diff = pixels[offset + k] - rp[base + k];
                s += diff * diff;
            }
            best = Math.min(best, s);
        }
        return Math.sqrt(best);
    }
}
