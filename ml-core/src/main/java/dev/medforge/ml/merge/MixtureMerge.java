package dev.medforge.ml.merge;

import java.util.Arrays;

/**
 * MedForge-Mixture: members stay separate; the output is the weighted sum of their softmax
 * outputs, with weights searched like fusion's. The lower bound is 0 rather than fusion's -1.5:
 * a negative weight on a probability makes the mixture output negative and its cross-entropy
 * undefined.
 */
final class MixtureMerge implements MergeStrategy {
    @Override
    public String name() {
        return "mixture";
    }

    @Override
    public Composite merge(MergeRequest request) {
        CompositeLoss loss = request.requireObjective(name());
        int n = request.adapters().size();
        double[] start = new double[n];
        Arrays.fill(start, 1.0 / n);
        if (request.options().weights() != null) {
            return new Composite.Mixture(request.adapters(), request.options().weights().clone(), request.heads());
        }
        CoefficientSearch.Result r = CoefficientSearch.minimise(
                w -> loss.loss(new Composite.Mixture(request.adapters(), w, request.heads()), request.tasks()),
                start, Math.max(0, request.options().lower()), request.options().upper(), request.options());
        return new Composite.Mixture(request.adapters(), r.best(), request.heads(), r.trace());
    }
}
