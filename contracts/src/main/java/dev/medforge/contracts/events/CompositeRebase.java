package dev.medforge.contracts.events;

import java.util.List;

/**
 * The registry refused a composite built on a stale parent; its adapters must be merged onto the
 * head. They travel in full, so the merge worker needs nothing but this event to merge them again.
 */
public record CompositeRebase(
        String branch,
        int headVersion,
        String headCompositeId,
        String staleCompositeId,
        List<AdapterRef> adapters) implements EventData {
}
