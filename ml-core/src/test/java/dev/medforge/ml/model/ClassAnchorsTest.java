package dev.medforge.ml.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassAnchorsTest {

    @Test
    void aClassHasOneUnitAnchorWhateverTheTaskOrSpellingOfCaseAndSpace() {
        float[] sneaker = ClassAnchors.anchor("Sneaker", 64);
        assertArrayEquals(sneaker, ClassAnchors.anchor(" sneaker ", 64));
        double norm = 0;
        for (float x : sneaker) {
            norm += x * x;
        }
        assertEquals(1, norm, 1e-5);
        TaskHead shoes = ClassAnchors.head(List.of("Sandal", "Sneaker"), 64);
        TaskHead street = ClassAnchors.head(List.of("Sneaker", "Bag", "Coat"), 64);
        assertArrayEquals(Arrays.copyOfRange(shoes.classEmbeddings(), 64, 128), Arrays.copyOfRange(street.classEmbeddings(), 0, 64),
                "two tasks that share a class share its anchor");
    }

    @Test
    void distinctClassesGetNearlyOrthogonalAnchors() {
        String[] names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
        for (int i = 0; i < names.length; i++) {
            for (int j = i + 1; j < names.length; j++) {
                float[] a = ClassAnchors.anchor(names[i], 64);
                float[] b = ClassAnchors.anchor(names[j], 64);
                double cos = 0;
                for (int k = 0; k < 64; k++) {
                    cos += a[k] * b[k];
                }
                assertTrue(Math.abs(cos) < 0.5, names[i] + " and " + names[j] + " are too alike: cos " + cos);
            }
        }
    }
}
