package dev.medforge.ml.merge;

import static org.junit.jupiter.api.Assertions.*;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Parameter-space strategies, checked against their definitions computed independently here. */
class DeltaMergeTest {
    private static final BaseModel BASE = TestAdapters.randomBase(3);
    private static final Adapter A = TestAdapters.random(BASE, "tops", 4, 8, 8f, 11);
    private static final Adapter B = TestAdapters.random(BASE, "footwear", 3, 8, 16f, 12);
    private static final Adapter C = TestAdapters.random(BASE, "garments", 3, 8, 4f, 13);
    private static final String Q0 = "encoder.layers.0.self_attn.q_proj";

    @Test
    void registryKnowsEveryMethodByName() {
        assertEquals(List.of("linear", "task-arithmetic", "ties", "dare", "fusion", "fusion-joint", "mixture", "mixture-global"),
                List.copyOf(MergeStrategies.names()));
        for (String n : MergeStrategies.names()) {
            assertEquals(n, MergeStrategies.get(n).name());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MergeStrategies.get("average")).getMessage().contains("known"));
    }

    @Test
    void taskArithmeticEqualsTheWeightedSumOfDeltas() {
        double[] w = {0.7, -0.4, 1.3};
        Composite.Merged m = (Composite.Merged) MergeStrategies.get("task-arithmetic")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults().withWeights(w)));
        for (String module : A.modules().keySet()) {
            double[] expected = new double[64 * 64];
            Adapter[] all = {A, B, C};
            for (int i = 0; i < 3; i++) {
                LoraModule lm = all[i].modules().get(module);
                // delta = scale * B A, by an explicit triple loop
                for (int o = 0; o < 64; o++) {
                    for (int j = 0; j < 64; j++) {
                        double s = 0;
                        for (int k = 0; k < lm.rank(); k++) {
                            s += lm.b()[o * lm.rank() + k] * lm.a()[k * 64 + j];
                        }
                        expected[o * 64 + j] += w[i] * lm.scale() * s;
                    }
                }
            }
            LoraModule merged = m.modules().get(module);
            assertEquals(24, merged.rank());
            double[] got = merged.delta();
            for (int k = 0; k < got.length; k++) {
                assertEquals(expected[k], got[k], 1e-5, module + "[" + k + "]");
            }
        }
        assertEquals(java.util.Set.of("tops", "footwear", "garments"), m.heads().keySet());
    }

    @Test
    void taskArithmeticCompressedToFullRankOfTheSumIsStillExactAndLowerRankIsClose() {
        Composite.Merged exact = (Composite.Merged) MergeStrategies.get("task-arithmetic").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults()));
        Composite.Merged r8 = (Composite.Merged) MergeStrategies.get("task-arithmetic").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults().withRank(8)));
        LoraModule e = exact.modules().get(Q0);
        LoraModule c = r8.modules().get(Q0);
        assertEquals(8, c.rank());
        double err = 0;
        double norm = 0;
        double[] de = e.delta();
        double[] dc = c.delta();
        for (int k = 0; k < de.length; k++) {
            err += (de[k] - dc[k]) * (de[k] - dc[k]);
            norm += de[k] * de[k];
        }
        // rank 8 of a rank-16 sum of two similar-sized terms keeps well over half the energy
        assertTrue(err < 0.6 * norm, "relative error " + err / norm);
        assertTrue(err > 1e-6 * norm, "compression to rank 8 cannot be exact here");
    }

    @Test
    void linearWeightsAAndBElementWise() {
        double[] w = {0.25, 0.75};
        Composite.Merged m = (Composite.Merged) MergeStrategies.get("linear").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults().withWeights(w)));
        LoraModule a = A.modules().get(Q0);
        LoraModule b = B.modules().get(Q0);
        LoraModule got = m.modules().get(Q0);
        assertEquals(8, got.rank());
        for (int k = 0; k < a.a().length; k++) {
            assertEquals(0.25 * a.a()[k] + 0.75 * b.a()[k], got.a()[k], 1e-6);
        }
        for (int k = 0; k < a.b().length; k++) {
            // scales (alpha / r) are folded into B before weighting
            assertEquals(0.25 * a.scale() * a.b()[k] + 0.75 * b.scale() * b.b()[k], got.scale() * got.b()[k], 1e-6);
        }
        Composite.Merged uniform = (Composite.Merged) MergeStrategies.get("linear").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults()));
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, uniform.coefficients(), 1e-12);
    }

    @Test
    void tiesAndDareOnSmallModulesAreExactAtFullRank() {
        Composite.Merged ties = (Composite.Merged) MergeStrategies.get("ties").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults()));
        LoraModule got = ties.modules().get(Q0);
        assertEquals(64, got.rank(), "64 x 64 modules are factored back at full rank");
        double[] expected = ties(new double[][] {A.modules().get(Q0).delta(), B.modules().get(Q0).delta(),
            C.modules().get(Q0).delta()}, MergeOptions.defaults().density());
        double[] delta = got.delta();
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], delta[k], 1e-4, "entry " + k);
        }
        Composite.Merged dare = (Composite.Merged) MergeStrategies.get("dare").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults()));
        assertEquals(64, dare.modules().get(Q0).rank());
    }

    @Test
    void tiesTrimsElectsAndAveragesAgreeingEntries() {
        double[] t1 = {5, -1, 0.5, -4, 2, 0.1};
        double[] t2 = {-3, -2, 0.2, 6, -1, 0.3};
        double[] t3 = {1, 0.4, -0.1, -5, 3, -0.2};
        // density 0.5 keeps 3 of 6 per vector:
        //   t1 -> {5, 0, 0, -4, 2, 0}; t2 -> {-3, -2, 0, 6, 0, 0}; t3 -> {1, 0, 0, -5, 3, 0}
        assertArrayEquals(new double[] {5, 0, 0, -4, 2, 0}, TiesMerge.trim(t1, 0.5), 0);
        double[] merged = ties(new double[][] {t1, t2, t3}, 0.5);
        // entry 0: sum 3 -> +, agreeing {5, 1} -> 3
        // entry 1: sum -2 -> -, agreeing {-2} -> -2
        // entry 2: all trimmed -> 0
        // entry 3: sum -3 -> -, agreeing {-4, -5} -> -4.5
        // entry 4: sum 5 -> +, agreeing {2, 3} -> 2.5
        // entry 5: all trimmed -> 0
        assertArrayEquals(new double[] {1, 0, 0, -5, 3, 0}, TiesMerge.trim(t3, 0.5), 0);
        assertArrayEquals(new double[] {3, -2, 0, -4.5, 2.5, 0}, merged, 1e-12);
    }

    /**
     * The trim keeps exactly what sorting every index by magnitude (stable, so ties go by position)
     * keeps, including where many entries share the cut's magnitude, either sign, and at densities
     * that keep one entry, all of them or none.
     */
    @Test
    void tiesTrimKeepsTheLargestMagnitudesWithTiesByPosition() {
        Random random = new Random(12);
        for (int trial = 0; trial < 200; trial++) {
            double[] v = new double[1 + random.nextInt(70)];
            for (int i = 0; i < v.length; i++) {
                v[i] = trial % 2 == 0 ? random.nextInt(7) - 3 : random.nextGaussian();
            }
            double density = new double[] {0, 0.01, 0.2, 0.5, 0.77, 1}[trial % 6];
            Integer[] order = new Integer[v.length];
            for (int i = 0; i < v.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Double.compare(Math.abs(v[y]), Math.abs(v[x])));
            double[] expected = new double[v.length];
            for (int i = 0; i < Math.ceil(density * v.length); i++) {
                expected[order[i]] = v[order[i]];
            }
            assertArrayEquals(expected, TiesMerge.trim(v, density), 0, "trial " + trial + " density " + density);
        }
        assertArrayEquals(new double[] {0, -2, 2, 0}, TiesMerge.trim(new double[] {1, -2, 2, -2}, 0.5), 0);
    }

    @Test
    void tiesStrategyMatchesTheRuleOnModuleDeltas() {
        Composite.Merged m = (Composite.Merged) MergeStrategies.get("ties").merge(
                new MergeRequest(List.of(A, B), MergeOptions.defaults().withDensity(0.3).withRank(64)));
        double[] expected = ties(new double[][] {A.modules().get(Q0).delta(), B.modules().get(Q0).delta()}, 0.3);
        double[] got = m.modules().get(Q0).delta();
        for (int k = 0; k < got.length; k++) {
            assertEquals(expected[k], got[k], 1e-4);
        }
    }

    @Test
    void dareKeepsTheExpectedValue() {
        double[] delta = new double[20000];
        Random init = new Random(1);
        for (int k = 0; k < delta.length; k++) {
            delta[k] = init.nextGaussian();
        }
        double p = 0.7;
        double[] mean = new double[delta.length];
        int trials = 200;
        Random rnd = new Random(99);
        int dropped = 0;
        for (int t = 0; t < trials; t++) {
            double[] d = DareMerge.dropAndRescale(delta, p, rnd);
            for (int k = 0; k < d.length; k++) {
                mean[k] += d[k] / trials;
                if (d[k] == 0) {
                    dropped++;
                }
            }
        }
        assertEquals(p, dropped / (double) (trials * delta.length), 0.005);
        // Per entry, the mean of 200 rescaled Bernoulli draws has sd |x| * sqrt(p / (1 - p) / 200);
        // the normalised errors must look like a standard normal.
        double sumZ = 0;
        double sumZ2 = 0;
        for (int k = 0; k < delta.length; k++) {
            double sd = Math.abs(delta[k]) * Math.sqrt(p / (1 - p) / trials);
            double z = (mean[k] - delta[k]) / sd;
            sumZ += z;
            sumZ2 += z * z;
        }
        assertEquals(0, sumZ / delta.length, 0.05);
        assertEquals(1, sumZ2 / delta.length, 0.1);
    }

    @Test
    void dareWithoutDroppingIsTaskArithmetic() {
        Composite.Merged dare = (Composite.Merged) MergeStrategies.get("dare").merge(
                new MergeRequest(List.of(A, B), MergeOptions.defaults().withDropRate(0).withRank(64)));
        Composite.Merged ta = (Composite.Merged) MergeStrategies.get("task-arithmetic").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults()));
        double[] x = dare.modules().get(Q0).delta();
        double[] y = ta.modules().get(Q0).delta();
        for (int k = 0; k < x.length; k++) {
            assertEquals(y[k], x[k], 1e-4);
        }
    }

    /** The TIES rule on flat task vectors: each trimmed, then signs elected and agreeing entries averaged. */
    private static double[] ties(double[][] deltas, double density) {
        double[][] trimmed = new double[deltas.length][];
        for (int i = 0; i < deltas.length; i++) {
            trimmed[i] = TiesMerge.trim(deltas[i], density);
        }
        return TiesMerge.electAndAverage(trimmed);
    }
}
