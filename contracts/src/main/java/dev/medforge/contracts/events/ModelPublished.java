package dev.medforge.contracts.events;

import java.util.List;
import java.util.Map;

/** A composite became version {@code version} of its branch and is now the head. */
public record ModelPublished(
        String branch,
        int version,
        String compositeId,
        String artifact,
        String strategy,
        List<String> submissionIds,
        Map<String, TaskMetrics> metrics) implements EventData {
}
