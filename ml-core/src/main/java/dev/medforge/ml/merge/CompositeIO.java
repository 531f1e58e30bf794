package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A composite as one self-contained safetensors file, so a subscriber who downloads a version needs
 * nothing else. A fused composite holds its merged LoRA factors ({@code modules.<module>.lora_A.weight}
 * [r, in], {@code lora_B.weight} [out, r], scale folded into B); a mixture holds every member's
 * factors ({@code members.<i>.<module>...}) and its weights. Every task's head is stored as
 * {@code heads.<task>.class_embeddings} and {@code heads.<task>.logit_scale}. The caller's lineage
 * travels as the {@code lineage} metadata entry.
 */
public final class CompositeIO {

    public static final String LINEAGE = "lineage";
    private static final Set<String> METADATA = Set.of("format", "kind", "coefficients", "member_tasks", "base", LINEAGE);
    private static final long HEADER_CAP = 8L << 20;

    /** A composite read back, with the metadata its writer attached. */
    public record Loaded(Composite composite, String baseReference, String lineage) {
    }

    private CompositeIO() {
    }

    public static byte[] write(Composite composite, String baseReference, String lineage) {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("base", baseReference)
                .metadata(LINEAGE, lineage)
                .metadata("coefficients", join(composite.coefficients()));
        if (composite instanceof Composite.Mixture mixture) {
            w.metadata("kind", "mixture");
            w.metadata("member_tasks", String.join(",", mixture.members().stream().map(Adapter::task).toList()));
            for (int i = 0; i < mixture.members().size(); i++) {
                putModules(w, "members." + i + ".", mixture.members().get(i).modules());
            }
        } else {
            w.metadata("kind", "merged");
            putModules(w, "modules.", ((Composite.Merged) composite).modules());
        }
        composite.heads().forEach((task, head) -> {
            w.putF32("heads." + task + "." + TaskHead.CLASS_EMBEDDINGS, head.classEmbeddings(), head.classes(), head.width());
            w.putF32("heads." + task + "." + TaskHead.LOGIT_SCALE, new float[] {head.logitScale()}, 1);
        });
        return w.toBytes();
    }

    public static Loaded read(byte[] bytes) throws SafetensorsFormatException {
        SafetensorsFile file = new SafetensorsReader(HEADER_CAP, METADATA).read(bytes);
        Map<String, String> meta = file.metadata();
        String base = meta.getOrDefault("base", "");
        double[] coefficients = split(meta.getOrDefault("coefficients", ""));
        Map<String, TaskHead> heads = heads(file);
        Composite composite;
        if ("mixture".equals(meta.get("kind"))) {
            List<String> tasks = List.of(meta.getOrDefault("member_tasks", "").split(","));
            List<Adapter> members = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                members.add(new Adapter(tasks.get(i), modules(file, "members." + i + "."), heads.get(tasks.get(i)), base));
            }
            composite = new Composite.Mixture(members, coefficients, heads);
        } else {
            composite = new Composite.Merged(modules(file, "modules."), heads, coefficients);
        }
        return new Loaded(composite, base, meta.getOrDefault(LINEAGE, ""));
    }

    private static void putModules(SafetensorsWriter w, String prefix, Map<String, LoraModule> modules) {
        modules.forEach((name, module) -> {
            LoraModule m = module.withUnitScale();
            w.putF32(prefix + name + ".lora_A.weight", m.a(), m.rank(), m.in());
            w.putF32(prefix + name + ".lora_B.weight", m.b(), m.out(), m.rank());
        });
    }

    private static Map<String, LoraModule> modules(SafetensorsFile file, String prefix) {
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        for (TensorEntry a : file.tensors().values()) {
            String key = a.name();
            if (key.startsWith(prefix) && key.endsWith(".lora_A.weight")) {
                String name = key.substring(prefix.length(), key.length() - ".lora_A.weight".length());
                TensorEntry b = file.tensor(prefix + name + ".lora_B.weight");
                long[] as = a.shape();
                long[] bs = b.shape();
                modules.put(name, new LoraModule((int) as[0], (int) as[1], (int) bs[0], a.floats(), b.floats(), 1f));
            }
        }
        return modules;
    }

    private static Map<String, TaskHead> heads(SafetensorsFile file) {
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        String suffix = "." + TaskHead.CLASS_EMBEDDINGS;
        for (TensorEntry e : file.tensors().values()) {
            if (e.name().startsWith("heads.") && e.name().endsWith(suffix)) {
                String task = e.name().substring("heads.".length(), e.name().length() - suffix.length());
                float scale = file.tensor("heads." + task + "." + TaskHead.LOGIT_SCALE).floats()[0];
                heads.put(task, new TaskHead((int) e.shape()[0], (int) e.shape()[1], e.floats(), scale));
            }
        }
        return heads;
    }

    private static String join(double[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Double::toString).toList());
    }

    private static double[] split(String text) {
        return text.isEmpty() ? new double[0] : Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
