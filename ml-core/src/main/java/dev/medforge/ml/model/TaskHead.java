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
}
