package dev.medforge.ml.merge;

import java.util.List;

/**
 * The scale λ of a delta-space merge (TIES, DARE), chosen on the distilled sets. Both methods are
 * usually run with λ = 1, which suits many adapters pulling in different directions badly or well
 * by chance; a handful of candidates on the distilled sets costs a few forward passes. Without
 * distilled sets, or when the caller fixed the weights, λ stays 1.
 */
final class MergedScale {
    static final double[] CANDIDATES = {0.25, 0.5, 0.75, 1.0, 1.25, 1.5};

    private MergedScale() {
    }

    static Composite.Merged chosenOnDistilledSets(Composite.Merged merged, MergeRequest request) {
        if (request.objective() == null || request.options().weights() != null) {
            return merged;
        }
        List<String> tasks = request.tasks().stream().distinct().toList();
        Composite.Merged best = merged;
        double bestLoss = request.objective().loss(merged, tasks);
        for (double lambda : CANDIDATES) {
            if (lambda == 1.0) {
                continue;
            }
            double[] w = merged.coefficients().clone();
            for (int i = 0; i < w.length; i++) {
                w[i] *= lambda;
            }
            Composite.Merged candidate = new Composite.Merged(LoraAlgebra.scaled(merged.modules(), lambda), merged.heads(), w);
            double loss = request.objective().loss(candidate, tasks);
            if (loss < bestLoss) {
                best = candidate;
                bestLoss = loss;
            }
        }
        return best;
    }
}
