package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TIES-merging (Yadav et al., 2023) on each module's weighted delta W: trim every task vector to
 * its top {@code density} fraction by magnitude, elect each entry's sign as the sign of the summed
 * trimmed values, then average only the entries that agree with it. The result is SVD-factored
 * back to a LoRA, exactly at full rank for small modules ({@link LoraAlgebra#deltaRank}), and scaled
 * by the λ that the distilled sets prefer ({@link MergedScale}).
 */
final class TiesMerge implements MergeStrategy {
    @Override
    public String name() {
        return "ties";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> adapters = request.adapters();
        double[] w = new double[adapters.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = request.options().weight(i, 1.0);
        }
        Map<String, LoraModule> out = new LinkedHashMap<>();
        for (String name : LoraAlgebra.moduleNames(adapters)) {
            double[][] deltas = new double[adapters.size()][];
            for (int i = 0; i < deltas.length; i++) {
                deltas[i] = adapters.get(i).modules().get(name).delta();
                for (int k = 0; k < deltas[i].length; k++) {
                    deltas[i][k] *= w[i];
                }
            }
            LoraModule first = adapters.get(0).modules().get(name);
            int rank = LoraAlgebra.deltaRank(adapters, name, request.options());
            out.put(name, LoraAlgebra.factorize(mergeDeltas(deltas, request.options().density()), first.out(), first.in(), rank));
        }
        return MergedScale.chosenOnDistilledSets(new Composite.Merged(out, request.heads(), w), request);
    }

    /** The TIES rule on flat task vectors of equal length. */
    static double[] mergeDeltas(double[][] deltas, double density) {
        double[][] trimmed = new double[deltas.length][];
        for (int i = 0; i < deltas.length; i++) {
            trimmed[i] = trim(deltas[i], density);
        }
        int len = deltas[0].length;
        double[] merged = new double[len];
        for (int k = 0; k < len; k++) {
            double total = 0;
            for (double[] t : trimmed) {
                total += t[k];
            }
            double sign = Math.signum(total);
            double sum = 0;
            int agreeing = 0;
            for (double[] t : trimmed) {
                if (t[k] != 0 && Math.signum(t[k]) == sign) {
                    sum += t[k];
                    agreeing++;
                }
            }
            merged[k] = agreeing == 0 ? 0 : sum / agreeing;
        }
        return merged;
    }

    /** Keeps the ceil(density * n) largest magnitudes (ties broken by position), zeroes the rest. */
    static double[] trim(double[] v, double density) {
        int keep = (int) Math.ceil(density * v.length);
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(Math.abs(v[y]), Math.abs(v[x])));
        double[] out = new double[v.length];
        for (int i = 0; i < keep; i++) {
            out[order[i]] = v[order[i]];
        }
        return out;
    }
}
