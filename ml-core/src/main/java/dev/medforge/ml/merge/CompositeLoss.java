package dev.medforge.ml.merge;

import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.TaskHead;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the searched strategies optimise: how well a composite predicts labelled data of each task.
 * The mixture solvers need each image's true-class probability (their objective is convex in the
 * weights only per image); the searches need the mean cross-entropy; the confirmation steps need a
 * second, disjoint half of the data so a search cannot overfit the points it is judged on.
 */
public interface CompositeLoss {

    /** Floor of a probability before its log: one confidently wrong image must not dominate the mean. */
    double MIN_PROBABILITY = 1e-7;

    /** The probability the composite gives each image of {@code task} for its true class. */
    double[] trueClassProbabilities(Composite composite, String task);

    /**
     * {@link #trueClassProbabilities} of one member alone (base + its LoRA) under {@code head}: what a
     * mixture's weights are solved from. A loss that remembers member outputs answers a member it has
     * seen on these images without a forward pass.
     */
    default double[] memberTrueClassProbabilities(Map<String, LoraModule> member, TaskHead head, String task) {
        return trueClassProbabilities(new Composite.Merged(member, Map.of(task, head), new double[] {1}), task);
    }

    /** The composite's class probabilities [n, classes] for each image of {@code task}. */
    float[][] probabilities(Composite composite, String task);

    /**
     * {@link #probabilities(Composite, String)} of each of {@code tasks}, in their order: what a judge
     * compares on every task at once. A loss may answer a composite with one encoder for all tasks
     * in one pass.
     */
    default Map<String, float[][]> probabilities(Composite composite, List<String> tasks) {
        Map<String, float[][]> p = new LinkedHashMap<>();
        tasks.forEach(task -> p.put(task, probabilities(composite, task)));
        return p;
    }

    /** Two disjoint halves of every task's data, with every class in both. */
    Split split();

    /**
     * At most {@code images} of the images of {@code tasks}, drawn under {@code seed} with an equal
     * share for each task and each of its classes, for a search whose cost must not grow with the
     * number of tasks (where the tasks are so many that a share is under a few images per class, a
     * few per class instead); this loss itself where it holds no more, or where {@code images} is 0.
     * A loss with no images of its own to draw from (a scripted one) is read whole.
     */
    default CompositeLoss sample(List<String> tasks, int images, long seed) {
        return this;
    }

    /** The halves of {@link #split()}: search on one, confirm on the other. */
    record Split(CompositeLoss search, CompositeLoss confirm) { }

    /** Mean over {@code tasks} of each task's mean cross-entropy. */
    default double loss(Composite composite, List<String> tasks) {
        double total = 0;
        for (String task : tasks) {
            total += crossEntropy(trueClassProbabilities(composite, task));
        }
        return total / tasks.size();
    }

    /**
     * How far {@code composite} strays from {@code reference} on {@code tasks}: the mean over the
     * tasks of KL(reference || composite) on each task's images, in nats.
     */
    default double divergence(Composite composite, Composite reference, List<String> tasks) {
        return Divergences.Reference.of(this, reference, tasks).of(composite).mean();
    }

    /** Each row's probability of its label: scores [n, classes], labels [n]. */
    static double[] trueClass(float[][] scores, int[] labels) {
        double[] truth = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            truth[i] = scores[i][labels[i]];
        }
        return truth;
    }

    static double crossEntropy(double[] trueClassProbabilities) {
        double ce = 0;
        for (double p : trueClassProbabilities) {
            ce -= Math.log(Math.max(p, MIN_PROBABILITY));
        }
        return ce / trueClassProbabilities.length;
    }
}
