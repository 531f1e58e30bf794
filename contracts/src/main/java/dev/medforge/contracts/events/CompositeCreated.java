package dev.medforge.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * A merge worker built a composite on top of {@code parentVersion} (0 is the bare base model).
 *
 * @param compositeId    hash of parent, sorted adapter digests, strategy and parameters: the same
 *                       inputs always give the same id, which makes redelivery harmless
 * @param coefficients   the merge weight of each adapter, keyed by submission id; for a mixture,
 *                       each adapter's weight in the row of its own task
 * @param taskCoefficients a mixture's weight rows: task to submission id to weight (empty for one
 *                       fused model, whose weights serve every task alike)
 * @param searchTrace    the objective at each evaluation of the coefficient search
 * @param artifact       digest of the composite in the artifact store
 * @param withdrawn      parent members this composite leaves out at a withdrawal request (usually empty)
 */
public record CompositeCreated(
        String compositeId,
        String branch,
        int parentVersion,
        String parentCompositeId,
        List<AdapterRef> adapters,
        String strategy,
        Map<String, Double> coefficients,
        Map<String, Map<String, Double>> taskCoefficients,
        List<SearchStep> searchTrace,
        String artifact,
        long durationMillis,
        List<AdapterRef> withdrawn) implements EventData {

    public CompositeCreated {
        taskCoefficients = taskCoefficients == null ? Map.of() : taskCoefficients;
        withdrawn = withdrawn == null ? List.of() : withdrawn;
    }

    /** A composite that withdraws nothing, or an event written before withdrawals. */
    public CompositeCreated(String compositeId, String branch, int parentVersion, String parentCompositeId, List<AdapterRef> adapters,
                            String strategy, Map<String, Double> coefficients, Map<String, Map<String, Double>> taskCoefficients,
                            List<SearchStep> searchTrace, String artifact, long durationMillis) {
        this(compositeId, branch, parentVersion, parentCompositeId, adapters, strategy, coefficients, taskCoefficients, searchTrace,
                artifact, durationMillis, List.of());
    }

    /** A fused composite, or an event written before mixtures had a row per task. */
    public CompositeCreated(String compositeId, String branch, int parentVersion, String parentCompositeId, List<AdapterRef> adapters,
                            String strategy, Map<String, Double> coefficients, List<SearchStep> searchTrace, String artifact,
                            long durationMillis) {
        this(compositeId, branch, parentVersion, parentCompositeId, adapters, strategy, coefficients, Map.of(), searchTrace, artifact,
                durationMillis);
    }

    public record SearchStep(int evaluation, double objective, List<Double> weights) {
    }
}
