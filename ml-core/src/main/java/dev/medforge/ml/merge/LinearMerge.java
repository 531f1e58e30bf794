package dev.medforge.ml.merge;

import java.util.List;

/**
 * Element-wise weighted sum of the A factors and of the B factors, as LoraHub and the MedForge
 * code do. Cheap and rank-preserving, but not the sum of the deltas: cross terms B_i A_j appear.
 * Default weights 1/n.
 */
final class LinearMerge implements MergeStrategy {
    @Override
    public String name() {
        return "linear";
    }

    @Override
    public Composite merge(MergeRequest request) {
        int n = request.adapters().size();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = request.options().weight(i, 1.0 / n);
        }
        List<String> names = LoraAlgebra.moduleNames(request.adapters());
        return new Composite.Merged(
                LoraAlgebra.elementwise(LoraAlgebra.modulesOf(request.adapters()), names, LoraAlgebra.perAdapter(w, names.size())),
                request.heads(), w);
    }
}
