package dev.medforge.ml.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The first {@code count} Fashion-MNIST test images as a plain (not gzipped) IDX image file, as a user might hand them over. */
    public static void writeFashionMnistIdx(Path file, int count) throws IOException {
        FashionMnist.Split test = FashionMnist.read(FashionMnist.directory(), "t10k");
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x803);
            out.writeInt(count);
            out.writeInt(test.rows());
            out.writeInt(test.cols());
            out.write(test.pixels(), 0, count * test.rows() * test.cols());
        }
    }
}
