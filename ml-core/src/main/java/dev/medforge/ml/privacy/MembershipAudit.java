package dev.medforge.ml.privacy;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.model.ModelSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A membership-inference audit of what leaves an institution, run at the institution with its own
 * data: how well an attacker holding the distilled set (and, in a second attack, the adapter) tells
 * members (images of the training split, from which both were made) from non-members (held-out
 * images of the same classes that neither saw). Attacks, each scoring "more likely a member" higher:
 * <ul>
 *   <li>{@value #DISTANCE}: minus the L2 distance in pixel space to the nearest distilled image of
 *       the candidate's class;</li>
 *   <li>{@value #FEATURE_DISTANCE}: the same in the frozen base model's feature space;</li>
 *   <li>{@value #ADAPTER_LOSS}: minus the cross-entropy under the institution's adapter and head (a
 *       loss-threshold attack on the adapter itself).</li>
 * </ul>
 * A low AUC proves nothing unless the attack can see a leak, so {@code leaky} audits a set made of
 * real training images, the worst a distillation could do, with the same attacks: its members are
 * the images it holds.
 *
 * @param candidates members sampled, and as many non-members
 * @param distilledDigest {@code sha256:<hex>} of the distilled set file audited, so that ingest can tell the audit
 *                        covered the very file submitted; null in a report written before digests were recorded
 * @param adapterDigest {@code sha256:<hex>} of the adapter weights file ({@code adapter_model.safetensors})
 *                      audited, null if the adapter was not audited
 */
public record MembershipAudit(int candidates, long seed, Map<String, AttackResult> attacks, Map<String, AttackResult> leaky,
                              String distilledDigest, String adapterDigest) {

    public static final String DISTANCE = "distance";
    public static final String FEATURE_DISTANCE = "featureDistance";
    public static final String ADAPTER_LOSS = "adapterLoss";
    /** Members sampled by default, and as many non-members. */
    public static final int DEFAULT_CANDIDATES = 500;

    /**
     * @param adapter the institution's adapter, or null to audit the distilled set alone
     * @param heldOut images of the same classes never used to train or distil
     */
    public static MembershipAudit run(ModelSession session, LabeledImages distilled, Adapter adapter, LabeledImages train,
                                      LabeledImages heldOut, int candidates, long seed, Consumer<String> progress) {
        int n = Math.min(candidates, Math.min(train.size(), heldOut.size()));
        SplittableRandom random = new SplittableRandom(seed);
        LabeledImages members = train.select(sample(train.size(), n, random));
        LabeledImages nonMembers = heldOut.select(sample(heldOut.size(), n, random));

        Map<String, AttackResult> attacks = new LinkedHashMap<>();
        attacks.put(DISTANCE, distanceAttack(distilled, members, nonMembers, seed));
        attacks.put(FEATURE_DISTANCE, distanceAttack(embedded(session, distilled), embedded(session, members), embedded(session, nonMembers), seed));
        if (adapter != null) {
            attacks.put(ADAPTER_LOSS, lossAttack(session, adapter, members, nonMembers, seed));
        }
        progress.accept(String.format("membership audit over %d members and %d non-members: %s", n, n, summary(attacks)));

        int leakedCount = Math.max(1, Math.min(distilled.size(), n));
        LabeledImages leakedSet = members.select(sample(n, leakedCount, new SplittableRandom(seed + 1)));
        Map<String, AttackResult> leaky = new LinkedHashMap<>();
        leaky.put(DISTANCE, distanceAttack(leakedSet, leakedSet, nonMembers, seed));
        leaky.put(FEATURE_DISTANCE, distanceAttack(embedded(session, leakedSet), embedded(session, leakedSet), embedded(session, nonMembers), seed));
        progress.accept("the same attacks on a leaky set of " + leakedCount + " real training images: " + summary(leaky));
        return new MembershipAudit(n, seed, attacks, leaky, null, null);
    }

    /** This audit, naming the files it was run on (digests of the bytes that will be submitted). */
    public MembershipAudit covering(String distilledDigest, String adapterDigest) {
        return new MembershipAudit(candidates, seed, attacks, leaky, distilledDigest, adapterDigest);
    }

    /**
     * The adapter-loss attack on every one of {@code members} against every held-out image: for an
     * adapter trained on a split small enough to take whole, such as the overfitted one that shows
     * the attack can see a leak. All of the held-out images, not as many as the members: with 32
     * members a same-sized sample of non-members moved the AUC by up to 0.09 between recipes that
     * differ only in seed-like ways, and TPR at 1% FPR needs 100 non-members to mean anything.
     */
    public static AttackResult adapterLoss(ModelSession session, Adapter adapter, LabeledImages members, LabeledImages heldOut, long seed) {
        return lossAttack(session, adapter, members, heldOut, seed);
    }

    private static AttackResult lossAttack(ModelSession session, Adapter adapter, LabeledImages members, LabeledImages nonMembers, long seed) {
        return MembershipMetrics.evaluate(logLikelihood(session, adapter, members), logLikelihood(session, adapter, nonMembers), seed);
    }

    private static AttackResult distanceAttack(LabeledImages released, LabeledImages members, LabeledImages nonMembers, long seed) {
        return MembershipMetrics.evaluate(closeness(released, members), closeness(released, nonMembers), seed);
    }

    /** Minus each candidate's distance to the nearest released image of its class (of any class if none has it). */
    static double[] closeness(LabeledImages released, LabeledImages candidates) {
        int d = released.imageSize();
        double[] score = new double[candidates.size()];
        for (int c = 0; c < candidates.size(); c++) {
            int label = candidates.labels()[c];
            boolean classReleased = java.util.Arrays.stream(released.labels()).anyMatch(l -> l == label);
            double best = Double.POSITIVE_INFINITY;
            for (int r = 0; r < released.size(); r++) {
                if (classReleased && released.labels()[r] != label) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < d && s < best; k++) {
                    double diff = candidates.pixels()[c * d + k] - released.pixels()[r * d + k];
                    s += diff * diff;
                }
                best = Math.min(best, s);
            }
            score[c] = -Math.sqrt(best);
        }
        return score;
    }

    /** The images as the frozen base sees them: one row of features per image, labels kept. */
    private static LabeledImages embedded(ModelSession session, LabeledImages images) {
        float[][] features = session.embed(images.pixels(), images.size(), null);
        int width = features.length == 0 ? 0 : features[0].length;
        float[] flat = new float[images.size() * width];
        for (int i = 0; i < features.length; i++) {
            System.arraycopy(features[i], 0, flat, i * width, width);
        }
        return new LabeledImages(flat, images.labels(), images.classes(), 1, width);
    }

    /** log p(true class) under the adapter and its head: minus the cross-entropy. */
    private static double[] logLikelihood(ModelSession session, Adapter adapter, LabeledImages images) {
        float[][] p = session.probabilities(images.pixels(), images.size(), adapter.modules(), adapter.head());
        double[] score = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            score[i] = Math.log(Math.max(p[i][images.labels()[i]], 1e-12));
        }
        return score;
    }

    private static int[] sample(int size, int count, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(size - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, count);
    }

    private static String summary(Map<String, AttackResult> attacks) {
        StringBuilder s = new StringBuilder();
        attacks.forEach((name, r) -> s.append(String.format("%s%s AUC %.3f [%.3f, %.3f], TPR@1%%FPR %.3f", s.length() == 0 ? "" : "; ", name,
                r.auc(), r.ciLow(), r.ciHigh(), r.tprAt1Fpr())));
        return s.toString();
    }
}
