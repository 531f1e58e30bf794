package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The result of a merge: something that maps images of any merged task to class scores. Each task
 * keeps its own head; what differs is how the LoRA modules are combined.
 */
public sealed interface Composite permits Composite.Merged, Composite.Mixture {

    /** Task name to head, for every task merged so far. */
    Map<String, TaskHead> heads();

    /** Coefficients the strategy used or found, flattened in adapter order (for lineage and events). */
    double[] coefficients();

    /** Every point the coefficient search evaluated, in order; empty for strategies that do not search. */
    List<SearchStep> searchTrace();

    /** Class scores [n, classes] of {@code task} for n images (pixels [n, C*H*W]). */
    float[][] scores(ModelSession session, String task, float[] pixels, int n);

    default TaskHead head(String task) {
        TaskHead h = heads().get(task);
        if (h == null) {
            throw new NoSuchElementException("composite has no head for task " + task + " (tasks: " + heads().keySet() + ")");
        }
        return h;
    }

    /** One set of LoRA modules applied to the base: what every parameter-space strategy produces. */
    record Merged(Map<String, LoraModule> modules, Map<String, TaskHead> heads, double[] coefficients,
                  List<SearchStep> searchTrace) implements Composite {

        public Merged(Map<String, LoraModule> modules, Map<String, TaskHead> heads, double[] coefficients) {
            this(modules, heads, coefficients, List.of());
        }

        @Override
        public float[][] scores(ModelSession session, String task, float[] pixels, int n) {
            return session.probabilities(pixels, n, modules, head(task));
        }
    }

    /**
     * MedForge-Mixture: modules stay apart; the output is the weighted sum of each member's softmax
     * output, each member being base + its LoRA under the task's head.
     */
    record Mixture(List<Adapter> members, double[] coefficients, Map<String, TaskHead> heads,
                   List<SearchStep> searchTrace) implements Composite {

        public Mixture(List<Adapter> members, double[] coefficients, Map<String, TaskHead> heads) {
            this(members, coefficients, heads, List.of());
        }

        @Override
        public float[][] scores(ModelSession session, String task, float[] pixels, int n) {
            float[][] sum = null;
            for (int m = 0; m < members.size(); m++) {
                float[][] p = session.probabilities(pixels, n, members.get(m).modules(), head(task));
                if (sum == null) {
                    sum = new float[n][p[0].length];
                }
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < p[i].length; c++) {
                        sum[i][c] += (float) (coefficients[m] * p[i][c]);
                    }
                }
            }
            return sum;
        }
    }
}
