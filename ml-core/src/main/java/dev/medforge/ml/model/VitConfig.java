package dev.medforge.ml.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The architecture JSON of a base model. Everything shape-related derives from it, so a larger
 * config runs on the same code. The file also spells out {@link #conventions()}: what this code
 * does that no shape tells (pixel scaling, norm placement, GELU form, pooling, the head), so that
 * an implementation written from the published files alone computes the same logits.
 *
 * @param id stable name of the base model family, used in adapter configs as {@code id@sha256:digest}
 * @param mlpRatio hidden width of each block's MLP as a multiple of {@code width}
 */
@JsonIgnoreProperties(value = VitConfig.CONVENTIONS, allowGetters = true)
public record VitConfig(String id, int imageSize, int channels, int patchSize, int width, int depth, int heads, int mlpRatio) {

    static final String CONVENTIONS = "conventions";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The computation, in the words a re-implementer needs. Values are the ones the code uses
     * ({@link LayerNormPart}, {@link SelfAttention}, {@link EncoderLayer}, {@link VisionTransformer},
     * {@link ModelSession#logits}); the Python reference in {@code interop/python} reads them from
     * here and is checked against DJL in the build.
     */
    public record Conventions(Preprocessing preprocessing, PatchEmbedding patchEmbedding, Tokens tokens, Block block,
                              Attention attention, String activation, Pooling pooling, Head head, Lora lora) {
        /** {@code x = pixel * scale}, then {@code (x - mean) / std} per channel; images are [N, C, H, W]. */
        public record Preprocessing(double scale, List<Double> mean, List<Double> std, String layout) { }

        /** Patches in row-major grid order, each flattened in {@code flatten} order, through a linear layer. */
        public record PatchEmbedding(String module, boolean bias, List<String> flatten, String gridOrder) { }

        /** Where the class token sits, and which tokens get position embeddings. */
        public record Tokens(String classToken, String positionEmbedding) { }

        /** Norm placement within a block and whether a norm precedes the first block. */
        public record Block(String norm, double layerNormEps, boolean normBeforeFirstBlock, String residual) { }

        /** How the width splits into heads and how scores are scaled. */
        public record Attention(String headSplit, String scoreScale, String projections) { }

        /** The encoder's output: which token, then which modules in order. */
        public record Pooling(String token, List<String> then) { }

        /** logits = exp(clamp(logit_scale, min, max)) * cos(embedding, class embedding). */
        public record Head(String type, double logScaleMin, double logScaleMax, String rows) { }

        /** How a LoRA factor pair enters a linear layer, and how it is stored. */
        public record Lora(String formula, String storedScale) { }
    }

    /** The DESIGN.md base: 28x28, patch 7 (16 tokens plus CLS), width 64, 4 blocks, 4 heads. */
    public static VitConfig fashionDefault() {
        return new VitConfig("medforge/vit-fmnist-tiny", 28, 1, 7, 64, 4, 4, 4);
    }

    public VitConfig {
        if (imageSize % patchSize != 0 || width % heads != 0 || depth < 1) {
            throw new IllegalArgumentException("inconsistent architecture: image " + imageSize + ", patch " + patchSize
                    + ", width " + width + ", heads " + heads + ", depth " + depth);
        }
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patch tokens plus the CLS token. */
    public int tokens() {
        return patchesPerSide() * patchesPerSide() + 1;
    }

    public int patchDim() {
        return channels * patchSize * patchSize;
    }

    public int pixels() {
        return channels * imageSize * imageSize;
    }

    @JsonProperty(CONVENTIONS)
    public Conventions conventions() {
        return new Conventions(
                new Conventions.Preprocessing(1.0 / 255, List.of(0.0), List.of(1.0), "NCHW, rows top to bottom, grayscale 0..255"),
                new Conventions.PatchEmbedding("embeddings.patch_embedding", true, List.of("channel", "row", "column"), "row-major"),
                new Conventions.Tokens("first", "all tokens, class token included"),
                new Conventions.Block("pre", decimal(LayerNormPart.EPS), false,
                        "x = x + self_attn(layer_norm1(x)); x = x + mlp.fc2(activation(mlp.fc1(layer_norm2(x))))"),
                new Conventions.Attention("contiguous: head h takes features [h*d/heads, (h+1)*d/heads)", "1/sqrt(width/heads)",
                        "q_proj, k_proj, v_proj, out_proj, all with bias"),
                "gelu-erf",
                new Conventions.Pooling("class", List.of("post_layernorm", VisionTransformer.PROJECTION)),
                new Conventions.Head("cosine", 0, decimal(ModelSession.MAX_LOG_SCALE),
                        "row i of class_embeddings is the task's label i, named by the head's classNames[i]"),
                new Conventions.Lora("y = x W^T + b + (x A^T) B^T * lora_alpha / r", "MedForge files fold lora_alpha / r into B (scale 1)"));
    }

    /** A float constant as the decimal it was written as (1e-5, not 9.99999974e-6), for the JSON. */
    private static double decimal(float value) {
        return Double.parseDouble(Float.toString(value));
    }

    /**
     * Reads an architecture file. One that declares {@code conventions} must declare exactly these:
     * a file describing another computation would load here and silently compute something else.
     * Files written before the conventions were published carry none and mean these.
     */
    public static VitConfig read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static VitConfig parse(String json) throws IOException {
        JsonNode tree = JSON.readTree(json);
        VitConfig config = JSON.treeToValue(tree, VitConfig.class);
        JsonNode declared = tree.path(CONVENTIONS);
        if (!declared.isMissingNode()) {
            JsonNode ours = JSON.valueToTree(config.conventions());
            if (!ours.equals(declared)) {
                throw new IOException("architecture " + config.id() + " declares conventions this code does not implement: "
                        + declared + " (implemented: " + ours + ")");
            }
        }
        return config;
    }

    public void write(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }

    /** The architecture file's content, conventions included. */
    public ObjectNode toJson() {
        return JSON.valueToTree(this);
    }
}
