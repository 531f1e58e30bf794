package dev.medforge.ml.bench;

import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import java.util.Random;

/**
 * The compute floor of an evaluation: how many images per second the bare base model's forward pass
 * takes on this machine, in batches of {@link ModelSession#BATCH} (issue 12, "eval within 2x the
 * floor"). An evaluation cannot score images faster than this; everything it spends above
 * {@code images / imagesPerSecond} is overhead (registry calls, artifact reads, LoRA, heads, metrics).
 *
 * <p>The best of several passes is kept, after one warm-up pass: a pass slowed by other work on a
 * shared machine says nothing about the floor, while no pass can run faster than the machine allows.
 *
 * @param images          images per pass
 * @param passes          timed passes, after the warm-up
 * @param imagesPerSecond the fastest pass's rate
 */
public record ForwardFloor(int images, int passes, double imagesPerSecond) {

    public ForwardFloor {
        requireCounts(images, passes);
        if (!(imagesPerSecond > 0) || Double.isInfinite(imagesPerSecond)) {
            throw new IllegalArgumentException("a floor needs a finite positive rate, got " + imagesPerSecond);
        }
    }

    private static void requireCounts(int images, int passes) {
        if (images < 1 || passes < 1) {
            throw new IllegalArgumentException("images and passes must be at least 1: " + images + ", " + passes);
        }
    }

    /** Times {@code passes} forward passes of {@code images} seeded random images through {@code base}. */
    public static ForwardFloor measure(BaseModel base, int images, int passes) {
        requireCounts(images, passes);
        float[] pixels = new float[images * base.config().pixels()];
        Random random = new Random(images);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        long fastest = Long.MAX_VALUE;
        try (ModelSession session = ModelSession.open(base)) {
            session.embed(pixels, images, null);
            for (int p = 0; p < passes; p++) {
                long start = System.nanoTime();
                session.embed(pixels, images, null);
                fastest = Math.min(fastest, System.nanoTime() - start);
            }
        }
        return new ForwardFloor(images, passes, images / (Math.max(1, fastest) / 1e9));
    }

    /** Seconds the floor allows for {@code scored} images. */
    public double seconds(double scored) {
        return scored / imagesPerSecond;
    }
}
