package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The result of a merge: something that maps images of any merged task to class scores. Each task
 * keeps its own head; what differs is how the LoRA modules are combined.
 */
public sealed interface Composite permits Composite.Merged, Composite.Mixture {

    /** Task name to head, for every task merged so far. */
    Map<String, TaskHead> heads();

    /**
     * Coefficients the strategy used or found, flattened for lineage and events: one per adapter, a
     * (composite so far, new adapter) pair per sequential fusion step, or a mixture's rows in head order.
     */
    double[] coefficients();

    /** Every point the coefficient search evaluated, in order; empty for strategies that do not search. */
    List<SearchStep> searchTrace();

    /**
     * Each of the {@code members} merged adapters' weight in the result, in member order: what a
     * lineage or model card shows per contribution, without knowing how a strategy lays out its
     * {@link #coefficients()}.
     */
    double[] memberWeights(int members);

    /** Class scores [n, classes] of {@code task} for n images (pixels [n, C*H*W]). */
    float[][] scores(ModelSession session, String task, float[] pixels, int n);

    default TaskHead head(String task) {
        TaskHead h = heads().get(task);
        if (h == null) {
            throw new NoSuchElementException("composite has no head for task " + task + " (tasks: " + heads().keySet() + ")");
        }
        return h;
    }

    /**
     * One set of LoRA modules applied to the base: what every parameter-space strategy produces.
     *
     * @param progress where sequential fusion stood after its last step, for the next version to
     *     resume from; null from every other strategy
     */
    record Merged(Map<String, LoraModule> modules, Map<String, TaskHead> heads, double[] coefficients,
                  List<SearchStep> searchTrace, FusionProgress progress) implements Composite {

        public Merged(Map<String, LoraModule> modules, Map<String, TaskHead> heads, double[] coefficients,
                      List<SearchStep> searchTrace) {
            this(modules, heads, coefficients, searchTrace, null);
        }

        public Merged(Map<String, LoraModule> modules, Map<String, TaskHead> heads, double[] coefficients) {
            this(modules, heads, coefficients, List.of());
        }

        public Optional<FusionProgress> fusionProgress() {
            return Optional.ofNullable(progress);
        }

        @Override
        public float[][] scores(ModelSession session, String task, float[] pixels, int n) {
            return session.probabilities(pixels, n, modules, head(task));
        }

        /**
         * Joint strategies give one coefficient per member. Sequential fusion gives a (composite so
         * far, new adapter) pair per step, so a member's weight is its step's weight times the
         * composite weight of every later step.
         */
        @Override
        public double[] memberWeights(int members) {
            if (coefficients.length == members) {
                return coefficients.clone();
            }
            if (members == 1) {
                return new double[] {1.0};
            }
            if (coefficients.length != 2 * (members - 1)) {
                throw new IllegalArgumentException(coefficients.length + " coefficients fit neither " + members
                        + " members nor their " + (members - 1) + " fusion steps");
            }
            double[] weights = new double[members];
            for (int i = 0; i < members; i++) {
                double w = i == 0 ? coefficients[0] : coefficients[2 * (i - 1) + 1];
                for (int step = Math.max(i, 1); step < members - 1; step++) {
                    w *= coefficients[2 * step];
                }
                weights[i] = w;
            }
            return weights;
        }
    }

    /**
     * MedForge-Mixture: modules stay apart; for task t the output is the weighted mean of each
     * member's softmax output (base + that member's LoRA, under t's head), with the weights of row t.
     * A composite always knows its task (it must pick the head), so each task has its own row; the
     * paper's single weight vector is the special case of equal rows. Rows are normalised when used,
     * and members with weight 0 are not run, so a one-hot row costs one forward pass.
     *
     * @param weights task to one non-negative weight per member, in member order, for every head
     */
    record Mixture(List<Adapter> members, Map<String, double[]> weights, Map<String, TaskHead> heads,
                   List<SearchStep> searchTrace) implements Composite {

        public Mixture {
            members = List.copyOf(members);
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
            for (String task : heads.keySet()) {
                double[] row = weights.get(task);
                if (row == null || row.length != members.size()) {
                    throw new IllegalArgumentException("mixture needs a row of " + members.size() + " weights for task " + task
                            + ", got " + (row == null ? "none" : row.length));
                }
                if (Arrays.stream(row).anyMatch(w -> !(w >= 0)) || Arrays.stream(row).sum() <= 0) {
                    throw new IllegalArgumentException("mixture weights of task " + task + " must be non-negative with a positive sum: "
                            + Arrays.toString(row));
                }
            }
        }

        public Mixture(List<Adapter> members, Map<String, double[]> weights, Map<String, TaskHead> heads) {
            this(members, weights, heads, List.of());
        }

        /** Every task routed to its own member (the last one trained for it): exactly the per-task oracle. */
        public static Mixture routed(List<Adapter> members, Map<String, TaskHead> heads) {
            Map<String, double[]> rows = new LinkedHashMap<>();
            for (String task : heads.keySet()) {
                double[] row = new double[members.size()];
                row[ownMember(members, task)] = 1;
                rows.put(task, row);
            }
            return new Mixture(members, rows, heads);
        }

        /** The same row for every task: the paper's global mixture. */
        public static Mixture global(List<Adapter> members, double[] row, Map<String, TaskHead> heads, List<SearchStep> trace) {
            Map<String, double[]> rows = new LinkedHashMap<>();
            heads.keySet().forEach(task -> rows.put(task, row.clone()));
            return new Mixture(members, rows, heads, trace);
        }

        /** Position of the member whose head serves {@code task}: the last one trained for it. */
        public static int ownMember(List<Adapter> members, String task) {
            for (int m = members.size() - 1; m >= 0; m--) {
                if (members.get(m).task().equals(task)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("no member was trained for task " + task);
        }

        /** Each member's weight in the row of its own task. */
        @Override
        public double[] memberWeights(int count) {
            if (count != members.size()) {
                throw new IllegalArgumentException("the mixture has " + members.size() + " members, not " + count);
            }
            double[] own = new double[count];
            for (int m = 0; m < count; m++) {
                own[m] = weights.get(members.get(m).task())[m];
            }
            return own;
        }

        /** Rows in head order, flattened: T x M values. */
        @Override
        public double[] coefficients() {
            return heads.keySet().stream().flatMapToDouble(t -> Arrays.stream(weights.get(t))).toArray();
        }

        @Override
        public float[][] scores(ModelSession session, String task, float[] pixels, int n) {
            return scores(task, m -> session.probabilities(pixels, n, members.get(m).modules(), head(task)));
        }

        /**
         * The row's mixture of member outputs, asking {@code memberOutputs} only for the members the row
         * runs: a caller that kept each member's outputs on these images (the evaluation's cache) scores
         * a version without a forward pass for the members it has seen before.
         *
         * @param memberOutputs member position to its class probabilities [n, classes] under {@code task}'s head
         */
        public float[][] scores(String task, IntFunction<float[][]> memberOutputs) {
            double[] row = row(task);
            double total = Arrays.stream(row).sum();
            float[][] sum = null;
            for (int m = 0; m < members.size(); m++) {
                if (row[m] == 0) {
                    continue;
                }
                float[][] p = memberOutputs.apply(m);
                if (sum == null) {
                    sum = new float[p.length][p[0].length];
                }
                float w = (float) (row[m] / total);
                for (int i = 0; i < p.length; i++) {
                    for (int c = 0; c < p[i].length; c++) {
                        sum[i][c] += w * p[i][c];
                    }
                }
            }
            return sum;
        }

        private double[] row(String task) {
            double[] row = weights.get(task);
            if (row == null) {
                throw new NoSuchElementException("mixture has no weights for task " + task + " (tasks: " + weights.keySet() + ")");
            }
            return row;
        }
    }
}
