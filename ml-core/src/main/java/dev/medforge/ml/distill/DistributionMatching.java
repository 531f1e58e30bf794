package dev.medforge.ml.distill;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.VisionTransformer;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.train.AdamState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Dataset distillation by distribution matching (Zhao and Bilen, 2023): synthetic images start
 * from uniform noise, never from real images, and are moved so that, under a freshly initialised
 * random encoder at every step, each class's mean embedding of synthetic images matches that of a
 * real batch.
 *
 * <p>The random encoder is the base's patch embedding (a 7x7, stride-7 convolution) with fresh
 * Xavier weights, a GELU, and the token grid flattened: the role DM gives to random ConvNets.
 * Fresh random deep ViTs were tried first; they map images so differently from draw to draw that
 * matching under some does not carry over to others.
 */
public final class DistributionMatching {
    private DistributionMatching() {
    }

    public static LabeledImages distill(VitConfig config, LabeledImages real, DistillRecipe recipe, Consumer<String> progress) {
        Random rnd = new Random(recipe.seed());
        int classes = real.classes();
        int n = classes * recipe.imagesPerClass();
        int[] labels = new int[n];
        float[] noise = new float[n * config.pixels()];
        for (int i = 0; i < n; i++) {
            labels[i] = i / recipe.imagesPerClass();
        }
        for (int i = 0; i < noise.length; i++) {
            noise[i] = rnd.nextFloat();
        }
        List<int[]> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            final int cc = c;
            byClass.add(java.util.stream.IntStream.range(0, real.size()).filter(i -> real.labels()[i] == cc).toArray());
        }
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            NDArray synthetic = manager.create(noise, new Shape(n, config.channels(), config.imageSize(), config.imageSize()));
            NDArray synMeans = manager.create(classMeanMatrix(labels, classes));
            AdamState adam = new AdamState(List.of(synthetic));
            double window = 0;
            int every = Math.max(1, recipe.iterations() / 5);
            for (int it = 0; it < recipe.iterations(); it++) {
                LabeledImages batch = real.select(samplePerClass(byClass, recipe.realPerClass(), rnd));
                long encoderSeed = rnd.nextLong();
                try (NDManager step = manager.newSubManager()) {
                    NDList held = adam.arrays();
                    held.add(synMeans);
                    step.tempAttachAll(held);
                    NDArray[] encoder = randomEncoder(step, config, encoderSeed);
                    NDArray realX = step.create(batch.pixels(), new Shape(batch.size(), config.channels(), config.imageSize(), config.imageSize()));
                    NDArray realMeans = step.create(classMeanMatrix(batch.labels(), classes));
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray target = realMeans.matMul(embed(encoder, realX, config));
                        NDArray loss = synMeans.matMul(embed(encoder, synthetic, config)).sub(target).square().sum();
                        gc.backward(loss);
                        window += loss.getFloat();
                    }
                    adam.update(recipe.learningRate());
                    // keep pixels in the real images' range, as an image format would
                    synthetic.subi(synthetic.sub(synthetic.clip(0f, 1f)));
                }
                if ((it + 1) % every == 0) {
                    progress.accept(String.format("distill step %d/%d  mean-embedding distance %.4f", it + 1, recipe.iterations(), window / every));
                    window = 0;
                }
            }
            return new LabeledImages(synthetic.toFloatArray(), labels, classes, config.imageSize(), config.imageSize());
        }
    }

    /**
     * Sum over classes of the squared distance between synthetic and real mean embeddings under one
     * random encoder: the matching objective, usable with encoders the distillation never drew.
     */
    public static double meanEmbeddingDistance(VitConfig config, LabeledImages synthetic, LabeledImages real, long encoderSeed) {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            NDArray[] encoder = randomEncoder(m, config, encoderSeed);
            Shape px = new Shape(-1, config.channels(), config.imageSize(), config.imageSize());
            NDArray s = m.create(classMeanMatrix(synthetic.labels(), synthetic.classes()))
                    .matMul(embed(encoder, m.create(synthetic.pixels()).reshape(px), config));
            NDArray r = m.create(classMeanMatrix(real.labels(), real.classes()))
                    .matMul(embed(encoder, m.create(real.pixels()).reshape(px), config));
            return s.sub(r).square().sum().getFloat();
        }
    }

    /** Weight [width, patchDim] and bias [width] of a random patch embedding. */
    private static NDArray[] randomEncoder(NDManager m, VitConfig config, long seed) {
        Random r = new Random(seed);
        int in = config.patchDim();
        int out = config.width();
        double bound = Math.sqrt(6.0 / (in + out));
        float[] w = new float[in * out];
        float[] b = new float[out];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) ((r.nextDouble() * 2 - 1) * 0.1);
        }
        return new NDArray[] {m.create(w, new Shape(out, in)), m.create(b, new Shape(out))};
    }

    /** images [B, C, H, W] -> [B, P * width]. */
    private static NDArray embed(NDArray[] encoder, NDArray images, VitConfig config) {
        NDArray tokens = Activation.gelu(VisionTransformer.patches(images, config).matMul(encoder[0].transpose()).add(encoder[1]));
        return tokens.reshape(images.getShape().get(0), -1);
    }

    /** [classes, n] matrix whose product with embeddings [n, d] gives per-class means [classes, d]. */
    static float[][] classMeanMatrix(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int y : labels) {
            counts[y]++;
        }
        float[][] m = new float[classes][labels.length];
        for (int i = 0; i < labels.length; i++) {
            m[labels[i]][i] = 1f / counts[labels[i]];
        }
        return m;
    }

    private static int[] samplePerClass(List<int[]> byClass, int k, Random rnd) {
        List<Integer> out = new ArrayList<>();
        for (int[] idx : byClass) {
            for (int i = 0; i < Math.min(k, idx.length); i++) {
                out.add(idx[rnd.nextInt(idx.length)]);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
