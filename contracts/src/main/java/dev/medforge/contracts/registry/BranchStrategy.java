package dev.medforge.contracts.registry;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a branch merges: the policy's {@code strategy}. Branches store and send the lowercase name;
 * composites name the ml-core merge that built them ({@code fusion}, {@code mixture}). The one
 * rule that spans both, {@code fallback}'s "fusion first, mixture after a failed gate", lives here.
 */
public enum BranchStrategy {
    /** One fused model, one forward pass. */
    FUSION,
    /** A task-conditioned mixture of the members. */
    MIXTURE,
    /** Fusion first; a fused composite that fails the gate is merged again as a mixture. */
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

    /** The ml-core merge a branch's composite is built with, unless a rebase names another. */
    public String firstMerge() {
        return this == MIXTURE ? MIXTURE_MERGE : FUSION_MERGE;
    }

    /** The merge to try next after a composite built with {@code merge} failed the gate; empty when the failure is final. */
    public Optional<String> afterFailedGate(String merge) {
        return this == FALLBACK && FUSION_MERGE.equals(merge) ? Optional.of(MIXTURE_MERGE) : Optional.empty();
    }
}
