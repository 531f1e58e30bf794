package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task arithmetic in delta-W space, kept exact by stacking factors: A = [w_1 A_1; ...; w_n A_n],
 * B = [s_1 B_1, ..., s_n B_n], so B A = sum of w_i s_i B_i A_i. With {@code rank > 0} the sum is
 * SVD-compressed to that rank. Default weights 1.
 */
final class TaskArithmeticMerge implements MergeStrategy {
    @Override
    public String name() {
        return "task-arithmetic";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> adapters = request.adapters();
        int n = adapters.size();
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = request.options().weight(i, 1.0);
        }
        Map<String, LoraModule> out = new LinkedHashMap<>();
        for (String name : LoraAlgebra.moduleNames(adapters)) {
            LoraModule stacked = stack(adapters, name, w);
            int rank = request.options().rank();
            out.put(name, rank > 0 && rank < stacked.rank()
                    ? LoraAlgebra.factorize(stacked.delta(), stacked.out(), stacked.in(), rank) : stacked);
        }
        return new Composite.Merged(out, request.heads(), w);
    }

    private static LoraModule stack(List<Adapter> adapters, String name, double[] w) {
        LoraModule first = adapters.get(0).modules().get(name);
        int total = LoraAlgebra.summedRank(adapters, name);
        int in = first.in();
        int outDim = first.out();
        float[] a = new float[total * in];
        float[] b = new float[outDim * total];
        int offset = 0;
        for (int i = 0; i < adapters.size(); i++) {
            LoraModule m = adapters.get(i).modules().get(name);
            for (int k = 0; k < m.rank(); k++) {
                for (int j = 0; j < in; j++) {
                    a[(offset + k) * in + j] = (float) (w[i] * m.a()[k * in + j]);
                }
                for (int o = 0; o < outDim; o++) {
                    b[o * total + offset + k] = m.scale() * m.b()[o * m.rank() + k];
                }
            }
            offset += m.rank();
        }
        return new LoraModule(total, in, outDim, a, b, 1f);
    }
}
