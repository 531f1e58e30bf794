package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * DARE (Yu et al., 2024) on each module's delta W: drop every entry with probability p and divide
 * the survivors by 1 - p, so each entry keeps its expected value; then sum with the weights
 * (default 1) and SVD-factor back to a LoRA (exactly, for small modules), scaled by the λ the
 * distilled sets prefer ({@link MergedScale}). Seeded, so a merge is repeatable.
 */
final class DareMerge implements MergeStrategy {
    @Override
    public String name() {
        return "dare";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> adapters = request.adapters();
        Random rnd = new Random(request.options().seed());
        double p = request.options().dropRate();
        double[] w = new double[adapters.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = request.options().weight(i, 1.0);
        }
        Map<String, LoraModule> out = new LinkedHashMap<>();
        for (String name : LoraAlgebra.moduleNames(adapters)) {
            LoraModule first = adapters.get(0).modules().get(name);
            double[] sum = new double[first.out() * first.in()];
            for (int i = 0; i < adapters.size(); i++) {
                double[] d = dropAndRescale(adapters.get(i).modules().get(name).delta(), p, rnd);
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += w[i] * d[k];
                }
            }
            int rank = LoraAlgebra.deltaRank(adapters, name, request.options());
            out.put(name, LoraAlgebra.factorize(sum, first.out(), first.in(), rank));
        }
        return MergedScale.chosenOnDistilledSets(new Composite.Merged(out, request.heads(), w), request);
    }

    static double[] dropAndRescale(double[] delta, double p, Random rnd) {
        double[] out = new double[delta.length];
        for (int k = 0; k < delta.length; k++) {
            out[k] = rnd.nextDouble() < p ? 0 : delta[k] / (1 - p);
        }
        return out;
    }
}
