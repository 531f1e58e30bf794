package dev.medforge.registry;

/** What the registry made of an evaluated composite. */
public enum PublishDecision {
    /** Parent was the head and the gate passed: it is the new head version. */
    PUBLISHED,
    /** The head moved meanwhile: whatever the gate said about the old parent, its adapters go back to the merge workers. */
    REBASE,
    /** The gate failed a fused composite of a {@code fallback} branch: its adapters go back to be merged as a mixture. */
    FALLBACK,
    /**
     * An adapter's institution does not own its task: those submissions end as rejected, whatever the
     * gate said, and the composite's other adapters go back to the merge workers without them.
     */
    NOT_OWNED,
    /**
     * The gate failed a composite of several adapters: they go back to the merge workers in two
     * halves, until an adapter that fails alone is gated out.
     */
    SPLIT,
    /** The gate failed: its submissions end as gated-out with the gate's reasons. */
    GATED_OUT,
    /**
     * This composite was decided before. A redelivered event changes nothing; submissions it names
     * that the earlier one did not (the same adapter bytes sent again) end as rejected with rule
     * {@code DUPLICATE}.
     */
    DUPLICATE;

    /** Whether the gate's verdict is why the composite was not published; a stale or refused one was not judged on it. */
    public boolean failedTheGate() {
        return this == FALLBACK || this == SPLIT || this == GATED_OUT;
    }
}
