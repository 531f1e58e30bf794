package dev.medforge.ml.merge;

import static org.junit.jupiter.api.Assertions.*;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fusion and mixture on a real (random) ViT, with the real distilled-set objective. */
class SearchedMergeTest {
    private static final BaseModel BASE = TestAdapters.randomBase(8);
    private static final Adapter A = TestAdapters.random(BASE, "tops", 4, 8, 8f, 21);
    private static final Adapter B = TestAdapters.random(BASE, "footwear", 3, 8, 8f, 22);
    private static final Adapter C = TestAdapters.random(BASE, "garments", 3, 8, 8f, 23);
    private static ModelSession session;
    private static DistilledSetLoss objective;

    @BeforeAll
    static void open() {
        session = ModelSession.open(BASE);
        objective = new DistilledSetLoss(session, Map.of("tops", noise(4, 1), "footwear", noise(3, 2), "garments", noise(3, 3)));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    static LabeledImages noise(int classes, long seed) {
        Random r = new Random(seed);
        int n = classes * 5;
        float[] px = new float[n * 784];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return new LabeledImages(px, y, classes, 28, 28);
    }

    /** Wraps the objective to record every evaluated composite's coefficients. */
    private static CompositeLoss recording(List<double[]> seen, AtomicInteger calls) {
        return (c, tasks) -> {
            calls.incrementAndGet();
            seen.add(c.coefficients().clone());
            return objective.loss(c, tasks);
        };
    }

    @Test
    void jointFusionImprovesOnItsStartWithinBoundsAndBudget() {
        List<double[]> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        MergeOptions o = MergeOptions.defaults();
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion-joint")
                .merge(new MergeRequest(List.of(A, B, C), o, recording(seen, calls)));
        assertEquals(40, calls.get(), "the whole budget is used, never more");
        assertEquals(40, fused.searchTrace().size());
        assertEquals(fused.searchTrace().stream().mapToDouble(SearchStep::objective).min().orElseThrow(),
                fused.searchTrace().stream().filter(st -> java.util.Arrays.equals(st.coefficients(), fused.coefficients()))
                        .findFirst().orElseThrow().objective(), 1e-12, "the composite uses the best point of its trace");
        for (double[] w : seen) {
            for (double x : w) {
                assertTrue(x >= -1.5 && x <= 1.5, "coefficient " + x + " outside bounds");
            }
        }
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, seen.get(0), 1e-12, "search starts at the linear default");
        List<String> tasks = List.of("tops", "footwear", "garments");
        Composite start = MergeStrategies.get("linear").merge(new MergeRequest(List.of(A, B, C), o));
        double penaltyStart = 0.05 * (1 / 3.0);
        double penaltyEnd = 0.05 * java.util.Arrays.stream(fused.coefficients()).map(Math::abs).average().orElseThrow();
        assertTrue(objective.loss(fused, tasks) + penaltyEnd <= objective.loss(start, tasks) + penaltyStart + 1e-9);
    }

    @Test
    void sequentialFusionSearchesEachArrivalWithItsOwnBudget() {
        AtomicInteger calls = new AtomicInteger();
        List<double[]> seen = new ArrayList<>();
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults().withBudget(12), recording(seen, calls)));
        assertEquals(24, calls.get(), "two pairwise searches of 12 evaluations");
        assertEquals(24, fused.searchTrace().size());
        assertEquals(4, fused.coefficients().length);
        assertEquals(3, fused.heads().size());
        for (double[] w : seen) {
            assertEquals(2, w.length, "pairwise: composite so far and the new adapter");
        }
    }

    @Test
    void perLayerFusionHasOneCoefficientPerAdapterAndModule() {
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion-joint")
                .merge(new MergeRequest(List.of(A, B), MergeOptions.defaults().withPerLayer(true).withBudget(10), objective));
        assertEquals(2 * 9, fused.coefficients().length);
    }

    @Test
    void mixtureIsExactlyTheWeightedSumOfMemberSoftmaxes() {
        double[] w = {0.2, 0.5, 1.1};
        Composite mix = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults().withWeights(w), objective));
        LabeledImages x = noise(3, 9);
        float[][] got = mix.scores(session, "footwear", x.pixels(), x.size());
        Adapter[] members = {A, B, C};
        float[][][] p = new float[3][][];
        for (int m = 0; m < 3; m++) {
            p[m] = session.probabilities(x.pixels(), x.size(), members[m].modules(), B.head());
        }
        for (int i = 0; i < x.size(); i++) {
            for (int c = 0; c < 3; c++) {
                double expected = w[0] * p[0][i][c] + w[1] * p[1][i][c] + w[2] * p[2][i][c];
                assertEquals(expected, got[i][c], 1e-6);
            }
        }
    }

    @Test
    void searchedMixtureStaysNonNegativeAndImprovesOnUniform() {
        AtomicInteger calls = new AtomicInteger();
        List<double[]> seen = new ArrayList<>();
        Composite mix = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), recording(seen, calls)));
        assertEquals(40, calls.get());
        for (double[] w : seen) {
            for (double v : w) {
                assertTrue(v >= 0 && v <= 1.5);
            }
        }
        List<String> tasks = List.of("tops", "footwear", "garments");
        Composite uniform = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B, C),
                MergeOptions.defaults().withWeights(1 / 3.0, 1 / 3.0, 1 / 3.0), objective));
        double l1 = 0.05 * java.util.Arrays.stream(mix.coefficients()).average().orElseThrow();
        assertTrue(objective.loss(mix, tasks) + l1 <= objective.loss(uniform, tasks) + 0.05 / 3 + 1e-9);
    }
}
