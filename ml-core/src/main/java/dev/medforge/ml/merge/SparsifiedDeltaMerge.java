package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sparsify-and-consensus family of merges (mergekit's generalized task arithmetic), on each
 * module's delta W: every adapter's delta is weighted (weights default to 1) and sparsified, the
 * sparse deltas are combined by a consensus rule, and the result is SVD-factored back to a LoRA,
 * exactly at full rank for small modules ({@link LoraAlgebra#deltaRank}), scaled by the λ the
 * distilled sets prefer ({@link MergedScale}). A member of the family says only how it sparsifies
 * and how it agrees: TIES trims by magnitude and averages the entries that agree in sign, DARE drops
 * at random and adds up.
 */
abstract class SparsifiedDeltaMerge implements MergeStrategy {

    /** One adapter's delta with its weight applied, sparsified; called per module, adapters in order. */
    interface Sparsifier {
        double[] apply(double[] delta, double weight);
    }

    /** A fresh sparsifier for one merge, so a random one starts from the options' seed every time. */
    abstract Sparsifier sparsifier(MergeOptions options);

    /** The merged delta from the adapters' sparse deltas, all of one module and of equal length. */
    abstract double[] consensus(double[][] sparse);

    @Override
    public final Composite merge(MergeRequest request) {
        List<Adapter> adapters = request.adapters();
        double[] w = new double[adapters.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = request.options().weight(i, 1.0);
        }
        Sparsifier sparsify = sparsifier(request.options());
        Map<String, LoraModule> out = new LinkedHashMap<>();
        for (String name : LoraAlgebra.moduleNames(adapters)) {
            double[][] sparse = new double[adapters.size()][];
            for (int i = 0; i < sparse.length; i++) {
                sparse[i] = sparsify.apply(adapters.get(i).modules().get(name).delta(), w[i]);
            }
            LoraModule first = adapters.get(0).modules().get(name);
            int rank = LoraAlgebra.deltaRank(adapters, name, request.options());
            out.put(name, LoraAlgebra.factorize(consensus(sparse), first.out(), first.in(), rank));
        }
        return MergedScale.chosenOnDistilledSets(new Composite.Merged(out, request.heads(), w), request);
    }

    static double[] scaled(double[] v, double weight) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = weight * v[k];
        }
        return out;
    }
}
