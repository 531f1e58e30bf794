package dev.medforge.ml.lora;

import dev.medforge.ml.model.TaskHead;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An institution's contribution: LoRA modules by full module name (for example
 * {@code encoder.layers.0.self_attn.q_proj}) and its task head.
 *
 * @param baseReference the base this adapter was trained on, {@code id@sha256:digest}
 */
public record Adapter(String task, Map<String, LoraModule> modules, TaskHead head, String baseReference) {

    public Adapter {
        modules = Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    }

    public Adapter withModules(Map<String, LoraModule> replacement) {
        return new Adapter(task, replacement, head, baseReference);
    }

    /**
     * This adapter with one module's B scaled by {@code factor}: the poisoning (one layer's update
     * blown up) that the ingest norm bound exists to stop. For tests and the demo.
     */
    public Adapter withModuleScaled(String module, float factor) {
        LoraModule m = modules.get(module);
        if (m == null) {
            throw new IllegalArgumentException("adapter has no module " + module + " (modules: " + modules.keySet() + ")");
        }
        float[] b = m.b().clone();
        for (int i = 0; i < b.length; i++) {
            b[i] *= factor;
        }
        Map<String, LoraModule> replaced = new LinkedHashMap<>(modules);
        replaced.put(module, new LoraModule(m.rank(), m.in(), m.out(), m.a(), b, m.scale()));
        return withModules(replaced);
    }

    /** Largest per-module delta norm; ingest compares it with a bound to stop poisoned adapters. */
    public double maxDeltaNorm() {
        return modules.values().stream().mapToDouble(LoraModule::deltaNorm).max().orElse(0);
    }
}
