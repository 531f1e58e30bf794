package dev.medforge.ml.merge;

import dev.medforge.contracts.LeastRecentlyUsed;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.model.TaskHead;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Each member's true-class probabilities on a distilled set's half, remembered between merges of
 * one base. A mixture row the new members may join is searched again, but its other members' outputs
 * on that task's set cannot have changed ({@link MemberKey}); without this, every version ran every
 * eligible member of every such row again, and the merge grew with the lineage (issue 12). Held in
 * memory and bounded: the merge worker takes in one branch's members again and again, and after a
 * restart the first merge computes what it needs once.
 */
public final class MemberOutputMemo {
    /** About 4,000 rows of a few dozen probabilities: a few megabytes. */
    private static final int CAPACITY = 4096;

    private final String baseDigest;
    private final AtomicLong remembered = new AtomicLong();
    private final AtomicLong computed = new AtomicLong();
    private final Map<String, double[]> outputs = LeastRecentlyUsed.map(CAPACITY);

    /** @param baseDigest the base every session using this memo runs: outputs of another base must never be mixed in */
    public MemberOutputMemo(String baseDigest) {
        this.baseDigest = baseDigest;
    }

    /**
     * @param modulesDigest {@link MemberKey#modules(Map)} of the member
     * @param imagesDigest  {@link MemberKey#of(LabeledImages)} of the half the member runs on
     */
    double[] trueClassProbabilities(String modulesDigest, TaskHead head, String imagesDigest, Supplier<double[]> compute) {
        String key = MemberKey.of(baseDigest, modulesDigest, head, imagesDigest);
        synchronized (outputs) {
            double[] known = outputs.get(key);
            if (known != null) {
                remembered.incrementAndGet();
                return known.clone();
            }
        }
        double[] p = compute.get();
        computed.incrementAndGet();
        synchronized (outputs) {
            outputs.put(key, p.clone());
        }
        return p;
    }

    /** Lookups answered from memory. */
    public long remembered() {
        return remembered.get();
    }

    /** Lookups that ran the member. */
    public long computed() {
        return computed.get();
    }
}
