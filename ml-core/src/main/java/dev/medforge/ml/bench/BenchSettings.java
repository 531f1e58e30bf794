package dev.medforge.ml.bench;

import dev.medforge.ml.distill.DistillRecipe;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.train.TrainingRecipe;

/**
 * Sizes and recipes of a benchmark run. {@link #standard()} uses the scenario's own sample counts;
 * {@link #smoke()} shrinks everything so the whole story runs in a couple of minutes on 2 cores,
 * except distillation, which keeps its 1,000 steps (7 s per institution): at 60 steps the distilled
 * sets were noise to every composite (their loss above ln C) and ranked 8 candidate composites with
 * Spearman 0.02 against real loss, so the quick bench measured nothing the merges rely on.
 *
 * @param pool public pool size override, or 0 for the scenario's
 * @param train per-institution train samples override, or 0
 * @param eval per-institution evaluation samples override, or 0
 * @param anchors adapters (and joint) train against the frozen class anchors of their classes
 *     instead of learning their class embeddings
 * @param fusionImages distilled images one fusion step reads at most ({@link MergeOptions#images()})
 * @param joint recipe of the multi-task reference: the adapters' own rate and epochs, so it is a
 *     like-for-like reference (mean loss over tasks, clipped gradients, non-finite steps skipped)
 */
public record BenchSettings(boolean quick, int pool, int train, int eval, TrainingRecipe pretrain, TrainingRecipe adapter,
                            TrainingRecipe head, TrainingRecipe joint, DistillRecipe distill, boolean anchors,
                            int fusionImages) {

    public static BenchSettings standard() {
        return new BenchSettings(false, 0, 0, 0, TrainingRecipe.pretrainDefault(7), TrainingRecipe.adapterDefault(11),
                new TrainingRecipe(4, 128, 1e-2f, 5, 0, 0), new TrainingRecipe(4, 128, 3e-3f, 11, 8, 8f), DistillRecipe.defaults(3), false,
                MergeOptions.defaults().images());
    }

    public static BenchSettings smoke() {
        return new BenchSettings(true, 2000, 800, 400, TrainingRecipe.pretrainDefault(7).withEpochs(2),
                new TrainingRecipe(3, 64, 3e-3f, 11, 8, 8f), new TrainingRecipe(4, 64, 1e-2f, 5, 0, 0),
                new TrainingRecipe(3, 64, 3e-3f, 11, 8, 8f), DistillRecipe.defaults(3), false, MergeOptions.defaults().images());
    }

    public BenchSettings withAnchors(boolean on) {
        return new BenchSettings(quick, pool, train, eval, pretrain, adapter, head, joint, distill, on, fusionImages);
    }

    public BenchSettings withFusionImages(int n) {
        return new BenchSettings(quick, pool, train, eval, pretrain, adapter, head, joint, distill, anchors, n);
    }
}
