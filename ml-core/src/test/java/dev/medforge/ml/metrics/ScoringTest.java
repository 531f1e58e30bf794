package dev.medforge.ml.metrics;

import dev.medforge.contracts.events.TaskMetrics;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ScoringTest {

    @Test
    void binaryAucCountsPairsAndHalfTies() {
        // class-1 scores: positives 0.9, 0.4, 0.6; negatives 0.1, 0.4, 0.8.
        // Pairs (pos > neg): 0.9 beats 3, 0.4 beats 0.1 and ties 0.4 (1.5), 0.6 beats 0.1 and 0.4 -> 3+1.5+2 = 6.5 of 9.
        float[][] s = {{0.1f, 0.9f}, {0.6f, 0.4f}, {0.4f, 0.6f}, {0.9f, 0.1f}, {0.6f, 0.4f}, {0.2f, 0.8f}};
        int[] y = {1, 1, 1, 0, 0, 0};
        assertEquals(6.5 / 9, Scoring.oneVsRestAuc(s, y, 1), 1e-12);
        // Class 0 is the mirror image: its scores are 1 - class-1 scores, so its AUC is the same.
        assertEquals(6.5 / 9, Scoring.oneVsRestAuc(s, y, 0), 1e-12);
        TaskMetrics m = Scoring.of(s, y);
        // arg-max: 1,0(wrong, tie resolves to 0 with 0.6),1,0,0,1(wrong) -> 4/6
        assertEquals(4.0 / 6, m.accuracy(), 1e-12);
        assertEquals(6.5 / 9, m.auc(), 1e-12);
        assertEquals(6, m.n());
    }

    @Test
    void macroAverageOverThreeClasses() {
        float[][] s = {
            {0.7f, 0.2f, 0.1f},
            {0.3f, 0.5f, 0.2f},
            {0.2f, 0.2f, 0.6f},
            {0.5f, 0.4f, 0.1f},
        };
        int[] y = {0, 1, 2, 1};
        // class 0: pos {0.7}, neg {0.3,0.2,0.5}: 3/3 = 1
        // class 1: pos {0.5,0.4}, neg {0.2,0.2}: 4/4 = 1
        // class 2: pos {0.6}, neg {0.1,0.2,0.1}: 1
        // accuracy: rows 0,1,2 right; row 3 predicts 0 -> 3/4
        TaskMetrics m = Scoring.of(s, y);
        assertEquals(0.75, m.accuracy(), 1e-12);
        assertEquals(1.0, m.auc(), 1e-12);

        s[3] = new float[] {0.1f, 0.2f, 0.7f};
        // class 1 now: pos {0.5,0.2}, neg {0.2,0.2}: 0.5 beats 2, 0.2 ties 2 -> (2 + 1) / 4 = 0.75
        // class 2: pos {0.6}, neg {0.1,0.2,0.7}: 2/3
        // class 0: pos {0.7}, neg {0.3,0.2,0.1}: 1
        m = Scoring.of(s, y);
        assertEquals((1 + 0.75 + 2.0 / 3) / 3, m.auc(), 1e-12);
        assertEquals(0.75, m.accuracy(), 1e-12);
    }

    @Test
    void classesWithoutPositivesAreLeftOutOfTheMacroAverage() {
        float[][] s = {{0.8f, 0.1f, 0.1f}, {0.3f, 0.6f, 0.1f}, {0.6f, 0.3f, 0.1f}};
        int[] y = {0, 1, 0};
        // class 0: pos {0.8,0.6}, neg {0.3}: 1; class 1: pos {0.6}, neg {0.1,0.3}: 1; class 2 undefined.
        assertEquals(1.0, Scoring.of(s, y).auc(), 1e-12);
        assertTrue(Double.isNaN(Scoring.oneVsRestAuc(s, y, 2)));
    }

    /**
     * The rank sum against the AUC's definition, every (positive, negative) pair counted: scores of
     * both signs, with zeros of both signs and many ties, as a coarse softmax gives.
     */
    @Test
    void theRankSumAgreesWithEveryPairCountedOnScoresOfBothSignsWithManyTies() {
        Random random = new Random(12);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + random.nextInt(400);
            float[][] scores = new float[n][1];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                int level = random.nextInt(21) - 10;
                scores[i][0] = level == 0 && random.nextBoolean() ? -0.0f : level / 7f;
                labels[i] = random.nextInt(3) == 0 ? 0 : 1;
            }
            double pairs = 0;
            double wins = 0;
            for (int p = 0; p < n; p++) {
                for (int q = 0; q < n; q++) {
                    if (labels[p] == 0 && labels[q] != 0) {
                        pairs++;
                        wins += scores[p][0] > scores[q][0] ? 1 : scores[p][0] == scores[q][0] ? 0.5 : 0;
                    }
                }
            }
            assertEquals(wins / pairs, Scoring.oneVsRestAuc(scores, labels, 0), 1e-12, "trial " + trial);
        }
    }
}
