package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/** Operations on sets of LoRA modules that several strategies share. */
final class LoraAlgebra {
    private LoraAlgebra() {
    }

    /** The module names all adapters share, in the first adapter's order; refuses mismatched sets. */
    static List<String> moduleNames(List<Adapter> adapters) {
        List<String> names = new ArrayList<>(adapters.get(0).modules().keySet());
        for (Adapter a : adapters) {
            if (!a.modules().keySet().equals(java.util.Set.copyOf(names))) {
                throw new IllegalArgumentException("adapter for " + a.task() + " targets " + a.modules().keySet() + ", others " + names);
            }
        }
        return names;
    }

    /**
     * Element-wise weighted sum of A factors and of B factors (LoraHub style), with each module's
     * scale folded into B first. weights[i][m] is adapter i's weight on module m.
     */
    static Map<String, LoraModule> elementwise(List<Map<String, LoraModule>> items, List<String> names, double[][] weights) {
        Map<String, LoraModule> out = new LinkedHashMap<>();
        for (int m = 0; m < names.size(); m++) {
            LoraModule first = items.get(0).get(names.get(m));
            float[] a = new float[first.a().length];
            float[] b = new float[first.b().length];
            for (int i = 0; i < items.size(); i++) {
                LoraModule mod = items.get(i).get(names.get(m)).withUnitScale();
                if (mod.rank() != first.rank()) {
                    throw new IllegalArgumentException("element-wise merging needs equal ranks, got " + first.rank() + " and " + mod.rank());
                }
                float w = (float) weights[i][m];
                for (int k = 0; k < a.length; k++) {
                    a[k] += w * mod.a()[k];
                }
                for (int k = 0; k < b.length; k++) {
                    b[k] += w * mod.b()[k];
                }
            }
            out.put(names.get(m), new LoraModule(first.rank(), first.in(), first.out(), a, b, 1f));
        }
        return out;
    }

    static List<Map<String, LoraModule>> modulesOf(List<Adapter> adapters) {
        return adapters.stream().map(Adapter::modules).toList();
    }

    /** The same weight for every module of an adapter. */
    static double[][] perAdapter(double[] w, int modules) {
        double[][] out = new double[w.length][modules];
        for (int i = 0; i < w.length; i++) {
            java.util.Arrays.fill(out[i], w[i]);
        }
        return out;
    }

    /**
     * Best rank-{@code rank} factors of delta W [out, in] by truncated SVD:
     * B = U sqrt(S), A = sqrt(S) V^T, scale 1.
     */
    static LoraModule factorize(double[] delta, int out, int in, int rank) {
        double[][] rows = new double[out][in];
        for (int o = 0; o < out; o++) {
            System.arraycopy(delta, o * in, rows[o], 0, in);
        }
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(rows, false));
        int r = Math.min(rank, Math.min(out, in));
        RealMatrix u = svd.getU();
        RealMatrix v = svd.getV();
        double[] s = svd.getSingularValues();
        float[] a = new float[r * in];
        float[] b = new float[out * r];
        for (int k = 0; k < r; k++) {
            double root = Math.sqrt(s[k]);
            for (int i = 0; i < in; i++) {
                a[k * in + i] = (float) (root * v.getEntry(i, k));
            }
            for (int o = 0; o < out; o++) {
                b[o * r + k] = (float) (root * u.getEntry(o, k));
            }
        }
        return new LoraModule(r, in, out, a, b, 1f);
    }

    /** Modules at most this wide on their smaller side are factored back at full rank. */
    static final int EXACT_RANK_LIMIT = 128;

    /**
     * The rank a delta-space merge (TIES, DARE) factors back to: the option if set, else the full rank
     * where the module is small, so the merge is exactly the rule's delta (64 x 64 here: truncating to
     * the sum of input ranks dropped part of the merged delta for no saving worth having), else the
     * sum of input ranks.
     */
    static int deltaRank(List<Adapter> adapters, String module, MergeOptions options) {
        if (options.rank() > 0) {
            return options.rank();
        }
        LoraModule first = adapters.get(0).modules().get(module);
        int full = Math.min(first.out(), first.in());
        return full <= EXACT_RANK_LIMIT ? full : summedRank(adapters, module);
    }

    /** Every module's delta scaled by {@code lambda} (folded into B). */
    static Map<String, LoraModule> scaled(Map<String, LoraModule> modules, double lambda) {
        Map<String, LoraModule> out = new LinkedHashMap<>();
        modules.forEach((name, m) -> {
            LoraModule unit = m.withUnitScale();
            float[] b = unit.b().clone();
            for (int k = 0; k < b.length; k++) {
                b[k] *= (float) lambda;
            }
            out.put(name, new LoraModule(unit.rank(), unit.in(), unit.out(), unit.a(), b, 1f));
        });
        return out;
    }

    /** Sum of input ranks, the default target rank for delta-space merges. */
    static int summedRank(List<Adapter> adapters, String module) {
        return adapters.stream().mapToInt(a -> a.modules().get(module).rank()).sum();
    }
}
