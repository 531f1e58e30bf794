package dev.medforge.contracts.events;

import java.util.List;

/**
 * The registry sends a composite's adapters back to be merged again onto the head: because the
 * composite was built on a stale parent, because others in it were rejected for a task their
 * institution does not own, or because a {@code fallback} branch's fused composite failed the gate
 * and mixture is tried next. The adapters travel in full, so the merge worker needs nothing but this
 * event. A withdrawal is a rebase too: the head's members are merged again without the withdrawn
 * adapters, and with no new ones.
 *
 * @param strategy  the strategy to merge with; null means the branch's own
 * @param withdrawn head members to leave out of the new composite (empty unless a withdrawal is on its way)
 */
public record CompositeRebase(
        String branch,
        int headVersion,
        String headCompositeId,
        String staleCompositeId,
        List<AdapterRef> adapters,
        String strategy,
        List<AdapterRef> withdrawn) implements EventData {

    public CompositeRebase {
        withdrawn = withdrawn == null ? List.of() : withdrawn;
    }

    /** A rebase with another strategy, or an event written before withdrawals. */
    public CompositeRebase(String branch, int headVersion, String headCompositeId, String staleCompositeId,
                           List<AdapterRef> adapters, String strategy) {
        this(branch, headVersion, headCompositeId, staleCompositeId, adapters, strategy, List.of());
    }

    /** A rebase after a stale parent: merged again with the branch's strategy. */
    public CompositeRebase(String branch, int headVersion, String headCompositeId, String staleCompositeId,
                           List<AdapterRef> adapters) {
        this(branch, headVersion, headCompositeId, staleCompositeId, adapters, null);
    }
}
