package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's MedForge-Mixture: one weight vector for every task, fitted on the distilled sets of
 * all tasks at once (each task weighing the same). Kept beside the task-conditioned {@code mixture}
 * so the benchmark shows what conditioning on the task is worth. The objective is normalised, so
 * it is invariant to scaling the weights, and solved exactly by EM from the uniform mixture.
 */
final class GlobalMixtureMerge implements MergeStrategy {
    @Override
    public String name() {
        return "mixture-global";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> members = request.adapters();
        CompositeLoss data = request.requireObjective(name());
        List<double[][]> tasks = new ArrayList<>();
        request.heads().forEach((task, head) -> tasks.add(MixtureWeights.likelihoods(data, members, task, head)));
        double[] start = MixtureWeights.uniform(members.size());
        double[] row = MixtureWeights.pruned(MixtureWeights.solve(tasks, start));
        List<SearchStep> trace = List.of(
                new SearchStep(1, start, MixtureWeights.loss(tasks, start), MixtureWeights.loss(tasks, start)),
                new SearchStep(2, row, MixtureWeights.loss(tasks, row), MixtureWeights.loss(tasks, row)));
        return Composite.Mixture.global(members, row, request.heads(), trace);
    }
}
