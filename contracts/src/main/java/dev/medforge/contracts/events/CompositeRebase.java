package dev.medforge.contracts.events;

import java.util.List;

/** The registry refused a composite built on a stale parent; its submissions must be merged onto the head. */
public record CompositeRebase(
        String branch,
        int headVersion,
        String headCompositeId,
        String staleCompositeId,
        List<String> submissionIds) implements EventData {
}
