package dev.medforge.ml.data;

import java.util.Random;

/** Labelled 28 x 28 images of uniform noise, for tests that need data of the right shape, not of any meaning. */
public final class TestImages {
    private TestImages() {
    }

    /** {@code n} images with labels 0, 1, …, classes - 1 in turn; the seed makes them repeatable. */
    public static LabeledImages noise(int n, int classes, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[n * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return new LabeledImages(pixels, labels, classes, 28, 28);
    }
}
