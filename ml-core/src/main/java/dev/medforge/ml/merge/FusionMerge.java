package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.TaskHead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MedForge-Fusion: an element-wise weighted sum of LoRA factors whose weights are searched to
 * minimise the cross-entropy on the distilled sets of the tasks merged so far plus l1 * mean|w|.
 * <ul>
 *   <li>{@code SEQUENTIAL} (the paper): adapters arrive one at a time; each step searches the
 *       weights of (composite so far, new adapter) on the tasks seen so far.</li>
 *   <li>{@code JOINT}: one search over the weights of all adapters at once.</li>
 * </ul>
 * Each search starts from uniform weights 1/k, the {@code linear} default, so fusion is never worse
 * than linear on the distilled sets. With {@code perLayer} there is one weight per adapter and module.
 */
final class FusionMerge implements MergeStrategy {
    enum Mode { SEQUENTIAL, JOINT }

    private final Mode mode;

    FusionMerge(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == Mode.SEQUENTIAL ? "fusion" : "fusion-joint";
    }

    @Override
    public Composite merge(MergeRequest request) {
        CompositeLoss loss = request.requireObjective(name());
        List<Adapter> adapters = request.adapters();
        List<String> names = LoraAlgebra.moduleNames(adapters);
        if (mode == Mode.JOINT) {
            return search(LoraAlgebra.modulesOf(adapters), request.heads(), request.tasks(), names, loss, request.options());
        }
        Map<String, LoraModule> current = adapters.get(0).modules();
        List<Double> coefficients = new ArrayList<>();
        List<SearchStep> trace = new ArrayList<>();
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        heads.put(adapters.get(0).task(), adapters.get(0).head());
        for (int k = 1; k < adapters.size(); k++) {
            heads.put(adapters.get(k).task(), adapters.get(k).head());
            Composite.Merged step = search(List.of(current, adapters.get(k).modules()), new LinkedHashMap<>(heads),
                    List.copyOf(heads.keySet()), names, loss, request.options());
            current = step.modules();
            trace.addAll(step.searchTrace());
            for (double c : step.coefficients()) {
                coefficients.add(c);
            }
        }
        return new Composite.Merged(current, heads, coefficients.stream().mapToDouble(Double::doubleValue).toArray(), trace);
    }

    private static Composite.Merged search(List<Map<String, LoraModule>> items, Map<String, TaskHead> heads, List<String> tasks,
                                   List<String> names, CompositeLoss loss, MergeOptions o) {
        int perItem = o.perLayer() ? names.size() : 1;
        double[] start = new double[items.size() * perItem];
        java.util.Arrays.fill(start, 1.0 / items.size());
        CoefficientSearch.Result r = CoefficientSearch.minimise(
                w -> loss.loss(new Composite.Merged(combine(items, names, w, perItem), heads, w), tasks), start, o);
        return new Composite.Merged(combine(items, names, r.best(), perItem), heads, r.best(), r.trace());
    }

    /** Expands a flat coefficient vector (per adapter, or per adapter and module) and combines. */
    static Map<String, LoraModule> combine(List<Map<String, LoraModule>> items, List<String> names, double[] w, int perItem) {
        double[][] weights = new double[items.size()][names.size()];
        for (int i = 0; i < items.size(); i++) {
            for (int m = 0; m < names.size(); m++) {
                weights[i][m] = w[i * perItem + (perItem == 1 ? 0 : m)];
            }
        }
        return LoraAlgebra.elementwise(items, names, weights);
    }
}
