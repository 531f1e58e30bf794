package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code y = x W^T + b}, plus {@code scale * (x A^T) B^T} when the context carries LoRA for this
 * module. Shapes: x [..., in] -> y [..., out]; W [out, in] as in PyTorch, so PEFT factors apply
 * unchanged. The low-rank path never forms delta W, which keeps LoRA training cheap.
 */
public final class Linear implements ModelPart {
    private final String module;
    private final int in;
    private final int out;
    private final boolean bias;

    public Linear(String module, int in, int out, boolean bias) {
        this.module = module;
        this.in = in;
        this.out = out;
        this.bias = bias;
    }

    public String module() {
        return module;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    @Override
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        m.put(module + ".weight", new Shape(out, in));
        if (bias) {
            m.put(module + ".bias", new Shape(out));
        }
        return m;
    }

    @Override
    public NDArray forward(ForwardContext ctx, NDArray x) {
        NDArray y = x.matMul(ctx.parameter(module + ".weight").transpose());
        if (bias) {
            y = y.add(ctx.parameter(module + ".bias"));
        }
        ForwardContext.LoraFactors lora = ctx.loraFor(module);
        if (lora != null) {
            y = y.add(x.matMul(lora.a().transpose()).matMul(lora.b().transpose()).mul(lora.scale()));
        }
        return y;
    }
}
