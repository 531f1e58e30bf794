package dev.medforge.ml.bench;

import dev.medforge.ml.data.LabeledImages;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrivacyBenchTest {

    private static final int CLASSES = 4;
    private static final int IMAGES = 400;

    @Test
    void everyCanaryGetsAnotherClassOfItsTaskAndKeepsItsPixels() {
        float[] pixels = new float[IMAGES * 4];
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = i % CLASSES;
            pixels[i * 4] = i;
        }
        LabeledImages images = new LabeledImages(pixels, labels, CLASSES, 2, 2);

        LabeledImages canaries = PrivacyBench.mislabeled(images, new SplittableRandom(7));

        assertArrayEquals(pixels, canaries.pixels());
        assertEquals(CLASSES, canaries.classes());
        Set<Integer> drawnFor0 = new HashSet<>();
        for (int i = 0; i < IMAGES; i++) {
            int label = canaries.labels()[i];
            assertNotEquals(labels[i], label, "image " + i + " kept its true class");
            assertTrue(label >= 0 && label < CLASSES, "image " + i + ": " + label);
            if (labels[i] == 0) {
                drawnFor0.add(label);
            }
        }
        assertEquals(Set.of(1, 2, 3), drawnFor0, "every other class is drawn");
        assertTrue(Arrays.equals(canaries.labels(), PrivacyBench.mislabeled(images, new SplittableRandom(7)).labels()),
                "the same seed gives the same canaries");
    }
}
