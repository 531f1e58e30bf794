package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base image encoder. images [B, C, H, W] -> patch tokens [B, P, C*p*p] -> linear embedding,
 * CLS prepended, positions added [B, T, d] -> encoder layers -> final LN on CLS [B, d] ->
 * {@code visual_projection} [B, d]. Names follow CLIP's vision tower so PEFT target names carry over.
 */
public final class VisionTransformer implements ModelPart {
    public static final String PROJECTION = "visual_projection";

    private final VitConfig config;
    private final Linear patchEmbedding;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private final LayerNormPart postNorm;
    private final Linear projection;

    public VisionTransformer(VitConfig config) {
        this.config = config;
        this.patchEmbedding = new Linear("embeddings.patch_embedding", config.patchDim(), config.width(), true);
        for (int i = 0; i < config.depth(); i++) {
            layers.add(new EncoderLayer("encoder.layers." + i, config.width(), config.heads(), config.mlpRatio()));
        }
        this.postNorm = new LayerNormPart("post_layernorm", config.width());
        this.projection = new Linear(PROJECTION, config.width(), config.width(), false);
    }

    public VitConfig config() {
        return config;
    }

    /** The modules LoRA may target, by PEFT short name: q_proj, v_proj and visual_projection. */
    public Map<String, Linear> loraTargets() {
        Map<String, Linear> m = new LinkedHashMap<>();
        for (EncoderLayer l : layers) {
            m.put(l.attention().q().module(), l.attention().q());
            m.put(l.attention().v().module(), l.attention().v());
        }
        m.put(projection.module(), projection);
        return Collections.unmodifiableMap(m);
    }

    /** images [B, C, H, W] -> non-overlapping patches [B, P, C*p*p], row-major over the patch grid. */
    public static NDArray patches(NDArray images, VitConfig config) {
        long b = images.getShape().get(0);
        int g = config.patchesPerSide();
        int p = config.patchSize();
        return images.reshape(b, config.channels(), g, p, g, p)
                .transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, (long) g * g, config.patchDim());
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>(patchEmbedding.parameterShapes());
        m.put("embeddings.class_embedding", new Shape(config.width()));
        m.put("embeddings.position_embedding", new Shape(config.tokens(), config.width()));
        for (EncoderLayer l : layers) {
            m.putAll(l.parameterShapes());
        }
        m.putAll(postNorm.parameterShapes());
        m.putAll(projection.parameterShapes());
        return m;
    }

    @Override
    public NDArray forward(ForwardContext ctx, NDArray images) {
        long b = images.getShape().get(0);
        NDArray tokens = patchEmbedding.forward(ctx, patches(images, config));
        NDArray cls = ctx.parameter("embeddings.class_embedding").reshape(1, 1, config.width())
                .broadcast(new Shape(b, 1, config.width()));
        NDArray x = NDArrays.concat(new NDList(cls, tokens), 1).add(ctx.parameter("embeddings.position_embedding"));
        for (EncoderLayer l : layers) {
            x = l.forward(ctx, x);
        }
        NDArray clsOut = postNorm.forward(ctx, x.get(":, 0, :"));
        return projection.forward(ctx, clsOut);
    }
}
