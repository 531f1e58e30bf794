package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pre-norm transformer block: x + attn(LN(x)), then + MLP(LN(x)). x [B, T, d] -> [B, T, d]. */
public final class EncoderLayer implements ModelPart {
    private final LayerNormPart norm1;
    private final SelfAttention attention;
    private final LayerNormPart norm2;
    private final Linear fc1;
    private final Linear fc2;

    public EncoderLayer(String prefix, int width, int heads, int mlpRatio) {
        this.norm1 = new LayerNormPart(prefix + ".layer_norm1", width);
        this.attention = new SelfAttention(prefix + ".self_attn", width, heads);
        this.norm2 = new LayerNormPart(prefix + ".layer_norm2", width);
        this.fc1 = new Linear(prefix + ".mlp.fc1", width, width * mlpRatio, true);
        this.fc2 = new Linear(prefix + ".mlp.fc2", width * mlpRatio, width, true);
    }

    public SelfAttention attention() {
        return attention;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (ModelPart p : new ModelPart[] {norm1, attention, norm2, fc1, fc2}) {
            m.putAll(p.parameterShapes());
        }
        return m;
    }

    @Override
    public NDArray forward(ForwardContext ctx, NDArray x) {
        NDArray h = x.add(attention.forward(ctx, norm1.forward(ctx, x)));
        return h.add(fc2.forward(ctx, Activation.gelu(fc1.forward(ctx, norm2.forward(ctx, h)))));
    }
}
