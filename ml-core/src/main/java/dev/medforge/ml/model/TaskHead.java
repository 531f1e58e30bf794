package dev.medforge.ml.model;

/**
 * A task's classifier on top of the encoder: logits = exp(logitScale) * cos(embedding, class
 * embedding), as in CLIP. Class embeddings are [classes, width], row-major. Saved in an adapter like
 * PEFT's {@code modules_to_save} under the module name {@code head}.
 */
public record TaskHead(int classes, int width, float[] classEmbeddings, float logitScale) {
    public static final String MODULE = "head";
    public static final String CLASS_EMBEDDINGS = "class_embeddings";
    public static final String LOGIT_SCALE = "logit_scale";

    public TaskHead {
        if (classEmbeddings.length != classes * width) {
            throw new IllegalArgumentException("class embeddings hold " + classEmbeddings.length + " values, not " + classes + "x" + width);
        }
    }

    /**
     * Class probabilities of {@code count} encoder embeddings from {@code from}, in plain Java: the
     * formula of {@link ModelSession#logits} and a softmax, with the same epsilon and clamp. For reading
     * many tasks' heads off one encoder pass, where a handful of tensor ops per task would cost more
     * than the few images each task holds (issue 12); training and {@link ModelSession#probabilities(float[],
     * int, java.util.Map, TaskHead)} keep the tensor head.
     */
    public float[][] probabilities(float[][] embeddings, int from, int count) {
        double scale = Math.exp(Math.min(Math.max(logitScale, 0f), ModelSession.MAX_LOG_SCALE));
        double[] classNorms = new double[classes];
        for (int c = 0; c < classes; c++) {
            classNorms[c] = Math.sqrt(squares(classEmbeddings, c * width, width) + 1e-8);
        }
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            float[] embedding = embeddings[from + i];
            double norm = Math.sqrt(squares(embedding, 0, width) + 1e-8);
            double[] logits = new double[classes];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double dot = 0;
                for (int j = 0; j < width; j++) {
                    dot += embedding[j] * classEmbeddings[c * width + j];
                }
                logits[c] = scale * dot / (norm * classNorms[c]);
                max = Math.max(max, logits[c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                logits[c] = Math.exp(logits[c] - max);
                sum += logits[c];
            }
            out[i] = new float[classes];
            for (int c = 0; c < classes; c++) {
                out[i][c] = (float) (logits[c] / sum);
            }
        }
        return out;
    }

    private static double squares(float[] values, int from, int count) {
        double sum = 0;
        for (int i = from; i < from + count; i++) {
            sum += (double) values[i] * values[i];
        }
        return sum;
    }
}
