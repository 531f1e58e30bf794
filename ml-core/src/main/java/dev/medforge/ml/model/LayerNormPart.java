package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.LayerNorm;
import java.util.LinkedHashMap;
import java.util.Map;

/** Layer normalisation over the last axis: x [..., d] -> [..., d]. */
public final class LayerNormPart implements ModelPart {
    /** The epsilon under the variance; PyTorch's and CLIP's default. */
    public static final float EPS = 1e-5f;

    private final String module;
    private final int dim;

    public LayerNormPart(String module, int dim) {
        this.module = module;
        this.dim = dim;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put(module + ".weight", new Shape(dim));
        m.put(module + ".bias", new Shape(dim));
        return m;
    }

    @Override
    public NDArray forward(ForwardContext ctx, NDArray x) {
        return LayerNorm.layerNorm(x, new Shape(dim), ctx.parameter(module + ".weight"), ctx.parameter(module + ".bias"), EPS)
                .singletonOrThrow();
    }
}
