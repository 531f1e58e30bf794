package dev.medforge.ml.merge;

/**
 * Knobs shared by the strategies; each strategy reads the ones it needs.
 *
 * @param weights per-adapter weights, or null for the strategy's default (1/n for linear, 1 for
 *     the task-vector methods)
 * @param density fraction of largest-magnitude entries TIES keeps per adapter
 * @param dropRate probability DARE drops an entry
 * @param rank rank to SVD-compress delta-space merges to; 0 keeps the exact concatenated rank for
 *     task-arithmetic, and for TIES and DARE the full rank of small modules (exact) or else the sum
 *     of input ranks
 * @param budget objective evaluations per coefficient search (fusion, mixture)
 * @param lower lower bound of searched coefficients
 * @param upper upper bound of searched coefficients
 * @param l1 weight of the mean |w| penalty in the search objective
 * @param perLayer search one coefficient per adapter and module instead of one per adapter
 * @param images distilled images one fusion step reads at most, over all its tasks (half to search, half to
 *     confirm and judge); 0 for every image. A fused encoder changes every task, so without a bound
 *     each version would read more than the last (issue 12). 480 holds both bundled scenarios whole
 *     (300 and 450 images), so their composites are what they were.
 */
public record MergeOptions(double[] weights, double density, double dropRate, long seed, int rank,
                           int budget, double lower, double upper, double l1, boolean perLayer, int images) {

    public static MergeOptions defaults() {
        return new MergeOptions(null, 0.2, 0.5, 42, 0, 40, -1.5, 1.5, 0.05, false, 480);
    }

    public MergeOptions withWeights(double... w) {
        return new MergeOptions(w, density, dropRate, seed, rank, budget, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withRank(int r) {
        return new MergeOptions(weights, density, dropRate, seed, r, budget, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withSeed(long s) {
        return new MergeOptions(weights, density, dropRate, s, rank, budget, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withDensity(double d) {
        return new MergeOptions(weights, d, dropRate, seed, rank, budget, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withDropRate(double p) {
        return new MergeOptions(weights, density, p, seed, rank, budget, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withBudget(int b) {
        return new MergeOptions(weights, density, dropRate, seed, rank, b, lower, upper, l1, perLayer, images);
    }

    public MergeOptions withPerLayer(boolean p) {
        return new MergeOptions(weights, density, dropRate, seed, rank, budget, lower, upper, l1, p, images);
    }

    public MergeOptions withImages(int n) {
        return new MergeOptions(weights, density, dropRate, seed, rank, budget, lower, upper, l1, perLayer, n);
    }

    /** Weight of adapter i among n, falling back to {@code fallback}. */
    double weight(int i, double fallback) {
        return weights == null ? fallback : weights[i];
    }
}
