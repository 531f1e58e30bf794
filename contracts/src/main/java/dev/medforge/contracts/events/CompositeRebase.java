package dev.medforge.contracts.events;

import java.util.List;

/**
 * The registry sends a composite's adapters back to be merged again onto the head: because the
 * composite was built on a stale parent, because others in it were rejected for a task their
 * institution does not own, or because a {@code fallback} branch's fused composite failed the gate
 * and mixture is tried next. The adapters travel in full, so the merge worker needs nothing but this
 * event.
 *
 * @param strategy the strategy to merge with; null means the branch's own
 */
public record CompositeRebase(
        String branch,
        int headVersion,
        String headCompositeId,
        String staleCompositeId,
        List<AdapterRef> adapters,
        String strategy) implements EventData {

    /** A rebase after a stale parent: merged again with the branch's strategy. */
    public CompositeRebase(String branch, int headVersion, String headCompositeId, String staleCompositeId,
                           List<AdapterRef> adapters) {
        this(branch, headVersion, headCompositeId, staleCompositeId, adapters, null);
    }
}
