package dev.medforge.ml.train;

/**
 * Hyper-parameters of one training run; with the seed, the run is repeatable on the same machine
 * and thread count.
 *
 * @param rank LoRA rank r (ignored when no LoRA is trained)
 * @param alpha LoRA alpha; the update is scaled by alpha / r as in PEFT
 */
public record TrainingRecipe(int epochs, int batchSize, float learningRate, long seed, int rank, float alpha) {

    public static TrainingRecipe adapterDefault(long seed) {
        return new TrainingRecipe(4, 128, 3e-3f, seed, 8, 8f);
    }

    public static TrainingRecipe pretrainDefault(long seed) {
        return new TrainingRecipe(6, 128, 1e-3f, seed, 0, 0f);
    }

    public TrainingRecipe withSeed(long s) {
        return new TrainingRecipe(epochs, batchSize, learningRate, s, rank, alpha);
    }

    public TrainingRecipe withEpochs(int e) {
        return new TrainingRecipe(e, batchSize, learningRate, seed, rank, alpha);
    }
}
