package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a forward pass reads: base parameters by full name and, optionally, LoRA factors by module
 * name. Parts look parameters up here instead of owning them, so one set of base weights serves
 * any number of adapters, merges and mixture members.
 */
public record ForwardContext(Map<String, NDArray> parameters, Map<String, LoraFactors> lora) {

    /** One module's LoRA: delta W = scale * B A, with A [r, in] and B [out, r]. */
    public record LoraFactors(NDArray a, NDArray b, float scale) { }

    public NDArray parameter(String name) {
        NDArray p = parameters.get(name);
        if (p == null) {
            throw new NoSuchElementException("base model has no parameter " + name);
        }
        return p;
    }

    public LoraFactors loraFor(String module) {
        return lora == null ? null : lora.get(module);
    }
}
