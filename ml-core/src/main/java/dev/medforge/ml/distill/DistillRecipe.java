package dev.medforge.ml.distill;

/**
 * Distribution-matching settings.
 *
 * @param imagesPerClass synthetic images per class: 30 by default, where DESIGN says 10, because
 *     the merge searches judge composites on them (fashion3, 3 seeds: the distilled-set loss ranks
 *     methods as real loss does with Spearman 0.91±0.11 at 30, 0.79±0.44 at 10)
 * @param iterations optimisation steps, each under a freshly initialised encoder
 * @param realPerClass real images per class sampled at each step
 */
public record DistillRecipe(int imagesPerClass, int iterations, int realPerClass, float learningRate, long seed) {
    public static DistillRecipe defaults(long seed) {
        return new DistillRecipe(30, 1000, 32, 0.01f, seed);
    }

    public DistillRecipe withIterations(int n) {
        return new DistillRecipe(imagesPerClass, n, realPerClass, learningRate, seed);
    }

    public DistillRecipe withSeed(long s) {
        return new DistillRecipe(imagesPerClass, iterations, realPerClass, learningRate, s);
    }

    public DistillRecipe withImagesPerClass(int n) {
        return new DistillRecipe(n, iterations, realPerClass, learningRate, seed);
    }
}
