package dev.medforge.ml.data;

import java.util.Arrays;

/**
 * Grayscale images with class labels, pixels scaled to [0, 1] and stored row-major as
 * [n, height * width]. Labels are task-local indices in [0, classes).
 */
public record LabeledImages(float[] pixels, int[] labels, int classes, int height, int width) {

    public LabeledImages {
        if (pixels.length != (long) labels.length * height * width) {
            throw new IllegalArgumentException(pixels.length + " pixels for " + labels.length + " images of " + height + "x" + width);
        }
    }

    public int size() {
        return labels.length;
    }

    public int imageSize() {
        return height * width;
    }

    /** The images at the given positions, in that order. */
    public LabeledImages select(int[] positions) {
        int d = imageSize();
        float[] px = new float[positions.length * d];
        int[] y = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(pixels, positions[i] * d, px, i * d, d);
            y[i] = labels[positions[i]];
        }
        return new LabeledImages(px, y, classes, height, width);
    }

    public LabeledImages head(int count) {
        int n = Math.min(count, size());
        return new LabeledImages(Arrays.copyOf(pixels, n * imageSize()), Arrays.copyOf(labels, n), classes, height, width);
    }
}
