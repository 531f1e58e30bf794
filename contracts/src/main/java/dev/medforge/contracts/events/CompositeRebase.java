package dev.medforge.contracts.events;

import java.util.List;

/**
 * The registry sends a composite's adapters back to be merged again onto the head. The adapters
 * travel in full, so the merge worker needs nothing but this event. A withdrawal is a rebase too:
 * the head's members are merged again without the withdrawn adapters, and with no new ones.
 *
 * @param strategy  the strategy to merge with; null means the branch's own
 * @param withdrawn head members to leave out of the new composite (empty unless a withdrawal is on its way)
 * @param reason    why the adapters come back; null in events written before reasons were recorded
 */
public record CompositeRebase(
        String branch,
        int headVersion,
        String headCompositeId,
        String staleCompositeId,
        List<AdapterRef> adapters,
        String strategy,
        List<AdapterRef> withdrawn,
        Reason reason) implements EventData {

    public enum Reason {
        /** The composite was built on a parent that is no longer the head. */
        STALE,
        /** Others in the composite were rejected for a task their institution does not own. */
        NOT_OWNED,
        /** A {@code fallback} branch's fused composite failed the gate; mixture is tried next. */
        FALLBACK,
        /** A withdrawal: the head's members again, without the withdrawn ones. */
        WITHDRAWAL,
        /**
         * A composite of several adapters failed the gate: it is split in halves, so one adapter that
         * breaks a task cannot take the others down with it.
         */
        SPLIT
    }

    public CompositeRebase {
        withdrawn = withdrawn == null ? List.of() : withdrawn;
    }

    /** A rebase with another strategy, as a fallback. */
    public CompositeRebase(String branch, int headVersion, String headCompositeId, String staleCompositeId,
                           List<AdapterRef> adapters, String strategy) {
        this(branch, headVersion, headCompositeId, staleCompositeId, adapters, strategy, List.of(), Reason.FALLBACK);
    }

    /**
     * Whether the merge worker may merge these adapters in one composite with other such rebases of
     * the branch that wait with it (group commit), so a burst of arrivals settles in a few composites
     * instead of one per arrival per head move. Not a split half: the gate has just refused those
     * adapters together. Not another strategy, nor a withdrawal, whose outcome is the requester's.
     */
    public boolean mayJoinOthers() {
        return (reason == null || reason == Reason.STALE || reason == Reason.NOT_OWNED) && strategy == null && withdrawn.isEmpty();
    }
}
