package dev.medforge.ml.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam with decoupled weight decay 0, written out because DJL's optimisers create their moment
 * arrays lazily on whatever manager the weight is attached to at that moment, which inside our
 * per-step sub-managers would free them after one step. Moments here live with the weights.
 */
public final class AdamState {
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;

    private final List<NDArray> weights;
    private final List<NDArray> mean = new ArrayList<>();
    private final List<NDArray> variance = new ArrayList<>();
    private int step;

    public AdamState(List<NDArray> weights) {
        this.weights = List.copyOf(weights);
        for (NDArray w : weights) {
            w.setRequiresGradient(true);
            mean.add(w.zerosLike());
            variance.add(w.zerosLike());
        }
    }

    /** Weights and moments, to attach to a step's manager. */
    public NDList arrays() {
        NDList all = new NDList(weights);
        all.addAll(mean);
        all.addAll(variance);
        return all;
    }

    /**
     * Scales the gradients left by the last backward pass so that their global L2 norm is at most
     * {@code maxNorm} (as torch's {@code clip_grad_norm_}); returns the norm before scaling, which
     * is not finite when some gradient is not, and then nothing is scaled. The squares are summed in
     * double: a spike of 1e19 in one float gradient overflows a float sum of squares.
     */
    public double clipGradientNorm(float maxNorm) {
        NDArray squares = null;
        for (NDArray w : weights) {
            NDArray s = w.getGradient().toType(DataType.FLOAT64, false).square().sum();
            squares = squares == null ? s : squares.add(s);
        }
        double norm = Math.sqrt(squares.getDouble());
        if (Double.isFinite(norm) && norm > maxNorm) {
            for (NDArray w : weights) {
                w.getGradient().muli((float) (maxNorm / norm));
            }
        }
        return norm;
    }

    /** One update from the gradients left by the last backward pass; then clears them. */
    public void update(float learningRate) {
        step++;
        float c1 = (float) (1 - Math.pow(BETA1, step));
        float c2 = (float) (1 - Math.pow(BETA2, step));
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray g = w.getGradient();
            mean.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            variance.get(i).muli(BETA2).addi(g.square().mul(1 - BETA2));
            NDArray update = mean.get(i).div(c1).div(variance.get(i).div(c2).sqrt().add(EPS)).mul(learningRate);
            w.subi(update);
            clear(g);
        }
    }

    /** Drops the last backward pass's gradients without a step: a non-finite step is skipped, not taken. */
    public void discardGradients() {
        weights.forEach(w -> clear(w.getGradient()));
    }

    /**
     * Zeroes a gradient in place by assignment. Subtracting it from itself, as before, turns an
     * infinity into NaN, and since backward passes accumulate into the gradient, one overflow then
     * poisoned every later step.
     */
    private static void clear(NDArray gradient) {
        gradient.set(new NDIndex("..."), 0f);
    }
}
