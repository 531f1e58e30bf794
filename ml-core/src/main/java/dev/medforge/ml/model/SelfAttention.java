package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/** Multi-head self-attention: x [B, T, d] -> [B, T, d], with q/k/v/out projections as {@link Linear}s. */
public final class SelfAttention implements ModelPart {
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;
    private final int heads;
    private final int width;

    public SelfAttention(String prefix, int width, int heads) {
        this.q = new Linear(prefix + ".q_proj", width, width, true);
        this.k = new Linear(prefix + ".k_proj", width, width, true);
        this.v = new Linear(prefix + ".v_proj", width, width, true);
        this.out = new Linear(prefix + ".out_proj", width, width, true);
        this.heads = heads;
        this.width = width;
    }

    public Linear q() {
        return q;
    }

    public Linear v() {
        return v;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (Linear l : new Linear[] {q, k, v, out}) {
            m.putAll(l.parameterShapes());
        }
        return m;
    }

    @Override
    public NDArray forward(ForwardContext ctx, NDArray x) {
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        int dh = width / heads;
        NDArray qh = split(q.forward(ctx, x), b, t, dh);
        NDArray kh = split(k.forward(ctx, x), b, t, dh);
        NDArray vh = split(v.forward(ctx, x), b, t, dh);
        NDArray attention = qh.matMul(kh.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(dh)).softmax(-1);
        NDArray merged = attention.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, width);
        return out.forward(ctx, merged);
    }

    /** [B, T, d] -> [B, heads, T, d / heads]. */
    private NDArray split(NDArray x, long b, long t, int dh) {
        return x.reshape(b, t, heads, dh).transpose(0, 2, 1, 3);
    }
}
