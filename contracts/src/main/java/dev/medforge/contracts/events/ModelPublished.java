package dev.medforge.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * A composite became version {@code version} of its branch and is now the head.
 *
 * @param withdrawn submissions this version leaves out at a withdrawal request: subscribers holding an
 *                  earlier version hold a contribution its institution has taken back
 */
public record ModelPublished(
        String branch,
        int version,
        String compositeId,
        String artifact,
        String strategy,
        List<String> submissionIds,
        Map<String, TaskMetrics> metrics,
        List<String> withdrawn) implements EventData {

    public ModelPublished {
        withdrawn = withdrawn == null ? List.of() : withdrawn;
    }

    /** A version that withdraws nothing, or an event written before withdrawals. */
    public ModelPublished(String branch, int version, String compositeId, String artifact, String strategy, List<String> submissionIds,
                          Map<String, TaskMetrics> metrics) {
        this(branch, version, compositeId, artifact, strategy, submissionIds, metrics, List.of());
    }
}
