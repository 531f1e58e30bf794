package dev.medforge.ml.merge;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rule by which a searched composite may replace a plain merge: a lead beyond the images' noise. */
class DivergencesTest {

    @Test
    void theKlOfEachImageIsZeroForItselfAndMatchesTheFormulaOtherwise() {
        float[][] p = {{0.5f, 0.5f}, {0.9f, 0.1f}};
        float[][] q = {{0.25f, 0.75f}, {0.9f, 0.1f}};
        assertArrayEquals(new double[] {0, 0}, Divergences.perImage(p, p), 1e-12);
        double expected = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
        assertArrayEquals(new double[] {expected, 0}, Divergences.perImage(p, q), 1e-6);
    }

    @Test
    void aDisagreementIsADifferentTopClassWhateverTheConfidence() {
        float[][] own = {{0.6f, 0.4f}, {0.2f, 0.8f}, {0.5f, 0.3f, 0.2f}};
        float[][] merged = {{0.99f, 0.01f}, {0.7f, 0.3f}, {0.1f, 0.2f, 0.7f}};
        assertArrayEquals(new double[] {0, 1, 1}, Divergences.disagreements(own, merged), 0,
                "a surer composite with the same top class agrees; another top class disagrees");
        assertArrayEquals(new double[] {0, 0, 0}, Divergences.disagreements(own, own), 0);
    }

    @Test
    void everyTaskWeighsTheSameWhateverItsImageCount() {
        Divergences d = new Divergences(Map.of("a", new double[] {1, 1, 1, 1}, "b", new double[] {0}));
        assertEquals(0.5, d.mean(), 1e-12);
    }

    @Test
    void aSteadyLeadOnEveryImageIsClear() {
        Divergences searched = new Divergences(Map.of("a", new double[] {0.19, 0.29, 0.39}, "b", new double[] {0.10, 0.20}));
        Divergences plain = new Divergences(Map.of("a", new double[] {0.20, 0.30, 0.40}, "b", new double[] {0.11, 0.21}));
        assertTrue(searched.clearlyBelow(plain));
        assertFalse(plain.clearlyBelow(searched), "a composite that strays more never wins");
    }

    @Test
    void aSmallMeanLeadThatSomeImagesContradictIsNotClear() {
        double[] plain = new double[20];
        double[] searched = new double[20];
        for (int i = 0; i < 20; i++) {
            plain[i] = 0.2;
            // better by 0.1 on half the images and worse by 0.09 on the other half: a mean lead of 0.005
            searched[i] = i % 2 == 0 ? 0.1 : 0.29;
        }
        Divergences s = new Divergences(Map.of("a", searched));
        Divergences p = new Divergences(Map.of("a", plain));
        assertTrue(s.mean() < p.mean(), "the searched composite does stray less on average");
        assertFalse(s.clearlyBelow(p), "but by less than the images' noise");
    }

    @Test
    void anEqualCompositeIsNotClearlyBelow() {
        Divergences d = new Divergences(Map.of("a", new double[] {0.1, 0.3}));
        assertFalse(d.clearlyBelow(d));
    }
}
