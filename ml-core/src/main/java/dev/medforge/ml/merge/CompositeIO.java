package dev.medforge.ml.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.ml.data.FashionMnist;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A composite as one self-contained safetensors file, so a subscriber who downloads a version needs
 * nothing else. A fused composite holds its merged LoRA factors ({@code modules.<module>.lora_A.weight}
 * [r, in], {@code lora_B.weight} [out, r], scale folded into B); a mixture holds every member's
 * factors ({@code members.<i>.<module>...}) and its weights as a [tasks, members] tensor
 * {@code mixture.weights}, whose row order is the {@code weight_tasks} metadata entry. Every task's
 * head is stored as {@code heads.<task>.class_embeddings} and {@code heads.<task>.logit_scale}. The
 * caller's lineage travels as the {@code lineage} metadata entry.
 * <p>
 * Mixtures written before per-task weights carry one weight vector in the {@code coefficients}
 * metadata and no weight tensor; they are read with that vector as every task's row, which scores
 * the same (each row is normalised, and normalising changes neither accuracy nor AUC).
 */
public final class CompositeIO {

    public static final String LINEAGE = "lineage";
    private static final String ARCHITECTURE = "architecture";
    static final String CLASS_NAMES = "class_names";
    private static final String DATASET_LABELS = "dataset_labels";
    private static final Set<String> METADATA = Set.of("format", "kind", "coefficients", "member_tasks", "weight_tasks", "base",
            LINEAGE, ARCHITECTURE, CLASS_NAMES, DATASET_LABELS);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MIXTURE_WEIGHTS = "mixture.weights";
    private static final long HEADER_CAP = 8L << 20;

    /**
     * A composite read back, with the metadata its writer attached.
     *
     * @param architecture the base's architecture JSON, empty for files written before it travelled along
     * @param classNames each task's class names in head row order, where the writer knew them
     */
    public record Loaded(Composite composite, String baseReference, String lineage, String architecture,
                         Map<String, List<String>> classNames) {

        /** The class name of row {@code row} of {@code task}'s head, or {@code class <row>} where the file names none. */
        public String className(String task, int row) {
            List<String> names = classNames.get(task);
            return names != null && row < names.size() ? names.get(row) : "class " + row;
        }
    }

    private CompositeIO() {
    }

    /** @param classNames each task's class names in label order; tasks left out are written without names */
    public static byte[] write(Composite composite, BaseModel base, String lineage, Map<String, List<String>> classNames) {
        Map<String, List<String>> named = new LinkedHashMap<>();
        Map<String, List<Integer>> labels = new LinkedHashMap<>();
        composite.heads().keySet().stream().filter(classNames::containsKey).forEach(task -> {
            named.put(task, classNames.get(task));
            FashionMnist.labelsOf(classNames.get(task)).ifPresent(l -> labels.put(task, l));
        });
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("format", "pt")
                .metadata("base", base.reference())
                .metadata(ARCHITECTURE, base.config().toJson().toString())
                .metadata(CLASS_NAMES, json(named))
                .metadata(DATASET_LABELS, json(labels))
                .metadata(LINEAGE, lineage)
                .metadata("coefficients", join(composite.coefficients()));
        if (composite instanceof Composite.Mixture mixture) {
            w.metadata("kind", "mixture");
            w.metadata("member_tasks", String.join(",", mixture.members().stream().map(Adapter::task).toList()));
            for (int i = 0; i < mixture.members().size(); i++) {
                putModules(w, "members." + i + ".", mixture.members().get(i).modules());
            }
            List<String> rows = List.copyOf(mixture.weights().keySet());
            w.metadata("weight_tasks", String.join(",", rows));
            float[] matrix = new float[rows.size() * mixture.members().size()];
            for (int t = 0; t < rows.size(); t++) {
                double[] row = mixture.weights().get(rows.get(t));
                for (int m = 0; m < row.length; m++) {
                    matrix[t * row.length + m] = (float) row[m];
                }
            }
            w.putF32(MIXTURE_WEIGHTS, matrix, rows.size(), mixture.members().size());
        } else {
            w.metadata("kind", "merged");
            putModules(w, "modules.", ((Composite.Merged) composite).modules());
        }
        putHeads(w, composite.heads());
        return w.toBytes();
    }

    /** Every task's head as {@code heads.<task>.class_embeddings} and {@code heads.<task>.logit_scale}. */
    static void putHeads(SafetensorsWriter w, Map<String, TaskHead> heads) {
        heads.forEach((task, head) -> {
            w.putF32("heads." + task + "." + TaskHead.CLASS_EMBEDDINGS, head.classEmbeddings(), head.classes(), head.width());
            w.putF32("heads." + task + "." + TaskHead.LOGIT_SCALE, new float[] {head.logitScale()}, 1);
        });
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
            try {
                composite = new Composite.Mixture(members, mixtureWeights(file, meta, coefficients, heads, members.size()), heads);
            } catch (IllegalArgumentException e) {
                throw new SafetensorsFormatException(SafetensorsFormatException.Rule.INVALID_ENTRY, MIXTURE_WEIGHTS, e.getMessage());
            }
        } else {
            composite = new Composite.Merged(modules(file, "modules."), heads, coefficients);
        }
        return new Loaded(composite, base, meta.getOrDefault(LINEAGE, ""), meta.getOrDefault(ARCHITECTURE, ""), classNames(meta));
    }

    private static Map<String, double[]> mixtureWeights(SafetensorsFile file, Map<String, String> meta, double[] coefficients,
                                                        Map<String, TaskHead> heads, int members) throws SafetensorsFormatException {
        Map<String, double[]> rows = new LinkedHashMap<>();
        if (!file.tensors().containsKey(MIXTURE_WEIGHTS)) {
            if (coefficients.length != members) {
                throw new SafetensorsFormatException(SafetensorsFormatException.Rule.INVALID_ENTRY, MIXTURE_WEIGHTS,
                        "mixture of " + members + " members has neither a weight tensor nor one weight per member");
            }
            heads.keySet().forEach(task -> rows.put(task, coefficients.clone()));
            return rows;
        }
        TensorEntry tensor = file.tensor(MIXTURE_WEIGHTS);
        List<String> tasks = List.of(meta.getOrDefault("weight_tasks", "").split(","));
        if (tensor.shape().length != 2 || tensor.shape()[0] != tasks.size() || tensor.shape()[1] != members) {
            throw new SafetensorsFormatException(SafetensorsFormatException.Rule.SHAPE_MISMATCH, MIXTURE_WEIGHTS,
                    "expected [" + tasks.size() + ", " + members + "] for tasks " + tasks + ", got " + Arrays.toString(tensor.shape()));
        }
        float[] values = tensor.floats();
        for (int t = 0; t < tasks.size(); t++) {
            double[] row = new double[members];
            for (int m = 0; m < members; m++) {
                row[m] = values[t * members + m];
            }
            rows.put(tasks.get(t), row);
        }
        return rows;
    }

    static void putModules(SafetensorsWriter w, String prefix, Map<String, LoraModule> modules) {
        modules.forEach((name, module) -> {
            LoraModule m = module.withUnitScale();
            w.putF32(prefix + name + ".lora_A.weight", m.a(), m.rank(), m.in());
            w.putF32(prefix + name + ".lora_B.weight", m.b(), m.out(), m.rank());
        });
    }

    static Map<String, LoraModule> modules(SafetensorsFile file, String prefix) {
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

    private static Map<String, List<String>> classNames(Map<String, String> meta) throws SafetensorsFormatException {
        try {
            return Collections.unmodifiableMap(JSON.readValue(meta.getOrDefault(CLASS_NAMES, "{}"), new TypeReference<LinkedHashMap<String, List<String>>>() { }));
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(SafetensorsFormatException.Rule.INVALID_ENTRY, CLASS_NAMES,
                    "class_names must map each task to its class names: " + e.getOriginalMessage());
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String join(double[] values) {
        return String.join(",", Arrays.stream(values).mapToObj(Double::toString).toList());
    }

    static double[] split(String text) {
        return text.isEmpty() ? new double[0] : Arrays.stream(text.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
