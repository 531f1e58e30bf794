package dev.medforge.contracts.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a branch merges: the policy's {@code strategy}. Branches store and send the lowercase name;
 * composites name the ml-core merge that built them ({@code fusion}, {@code mixture}). The rules
 * that span both, {@code fallback}'s "fusion first, mixture after a failed gate and from then on",
 * live here.
 */
public enum BranchStrategy {
    /** One fused model, one forward pass. */
    FUSION,
    /** A task-conditioned mixture of the members. */
    MIXTURE,
    /** Fusion first; a fused composite that fails the gate is merged again as a mixture, and later versions are mixtures. */
    FALLBACK;

    public static final String FUSION_MERGE = "fusion";
    public static final String MIXTURE_MERGE = "mixture";

    /** As branches store it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(BranchStrategy::wireName).toList();
    }

    /** Empty for a name no branch may have. */
    public static Optional<BranchStrategy> of(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst();
    }

    /**
     * The ml-core merge a branch's next composite is built with, unless a rebase names another. A
     * {@code fallback} branch whose head is a mixture stays one: its head is a mixture because fusing
     * those members failed the gate, and a fusion of them and more adapters must keep every one of
     * those tasks whole under more interference. Trying it anyway cost every later version a failed
     * fusion before its mixture (a merge, an evaluation and a rebase: the demo's versions 2 and 3 took
     * 10.0 and 9.6 s against 4.9 s for version 1), and that fusion starts from scratch, as a mixture
     * head holds no fusion progress to resume.
     *
     * @param headIsMixture whether the branch's head was built as a mixture; false before version 1
     */
    public String nextMerge(boolean headIsMixture) {
        return this == MIXTURE || this == FALLBACK && headIsMixture ? MIXTURE_MERGE : FUSION_MERGE;
    }

    /** The merge to try next after a composite built with {@code merge} failed the gate; empty when the failure is final. */
    public Optional<String> afterFailedGate(String merge) {
        return this == FALLBACK && FUSION_MERGE.equals(merge) ? Optional.of(MIXTURE_MERGE) : Optional.empty();
    }
}
