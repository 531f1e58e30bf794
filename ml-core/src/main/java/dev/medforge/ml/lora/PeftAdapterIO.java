package dev.medforge.ml.lora;

import static dev.medforge.ml.lora.AdapterValidationException.Code.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.Linear;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VisionTransformer;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Adapters on disk in Hugging Face PEFT's format, so a LoRA trained in Python PEFT against the same
 * base loads as is: {@code adapter_config.json} plus {@code adapter_model.safetensors} with keys
 * {@code base_model.model.<module>.lora_A.weight} [r, in] and {@code .lora_B.weight} [out, r].
 * The task head is stored like PEFT's {@code modules_to_save}: {@code base_model.model.head.*}.
 */
public final class PeftAdapterIO {
    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    private static final String PREFIX = "base_model.model.";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftAdapterIO() {
    }

    /**
     * Writes an adapter. Each module's alpha/r scale is folded into B and {@code lora_alpha} is set
     * to r, which is exact and keeps a single alpha even for merged adapters.
     */
    public static void write(Adapter adapter, Path dir) throws IOException {
        write(adapter.modules(), adapter.head(), adapter.baseReference(), dir);
    }

    /**
     * Writes LoRA modules, with {@code head} as {@code modules_to_save} or without a head when it is
     * null (a composite's heads travel apart from its LoRA, one per task). Modules of another rank
     * than the most common one are named in PEFT's {@code rank_pattern} and {@code alpha_pattern}.
     */
    public static void write(Map<String, LoraModule> modules, TaskHead head, String baseReference, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<Integer, Integer> rankCounts = new HashMap<>();
        Set<String> targets = new LinkedHashSet<>();
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (Map.Entry<String, LoraModule> e : modules.entrySet()) {
            LoraModule m = e.getValue().withUnitScale();
            rankCounts.merge(m.rank(), 1, Integer::sum);
            targets.add(shortName(e.getKey()));
            w.putF32(PREFIX + e.getKey() + ".lora_A.weight", m.a(), m.rank(), m.in());
            w.putF32(PREFIX + e.getKey() + ".lora_B.weight", m.b(), m.out(), m.rank());
        }
        if (head != null) {
            w.putF32(PREFIX + TaskHead.MODULE + "." + TaskHead.CLASS_EMBEDDINGS, head.classEmbeddings(), head.classes(), head.width());
            w.putF32(PREFIX + TaskHead.MODULE + "." + TaskHead.LOGIT_SCALE, new float[] {head.logitScale()}, 1);
        }
        w.write(dir.resolve(WEIGHTS_FILE));

        int r = rankCounts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow(
                () -> new IllegalArgumentException("an adapter needs at least one LoRA module")).getKey();
        ObjectNode c = JSON.createObjectNode();
        c.put("peft_type", "LORA");
        c.put("task_type", (String) null);
        c.put("base_model_name_or_path", baseReference);
        c.put("r", r);
        c.put("lora_alpha", r);
        ObjectNode rankPattern = c.putObject("rank_pattern");
        ObjectNode alphaPattern = c.putObject("alpha_pattern");
        modules.forEach((name, m) -> {
            if (m.rank() != r) {
                rankPattern.put(name, m.rank());
                alphaPattern.put(name, m.rank());
            }
        });
        c.put("lora_dropout", 0.0);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("use_rslora", false);
        c.put("use_dora", false);
        c.put("inference_mode", true);
        targets.forEach(c.putArray("target_modules")::add);
        if (head != null) {
            c.putArray("modules_to_save").add(TaskHead.MODULE);
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(CONFIG_FILE).toFile(), c);
    }

    /**
     * Reads an adapter directory and checks it against {@code base}: PEFT LoRA without unsupported
     * options, trained on exactly this base ({@code base_model_name_or_path} equals
     * {@link BaseModel#reference()}), strictly valid safetensors, every tensor naming a LoRA target
     * of this architecture with the right shape, and a head.
     *
     * @param task the task name to give the adapter (it is not part of the PEFT format)
     */
    public static Adapter read(Path dir, BaseModel base, String task) throws AdapterValidationException {
        JsonNode config = readConfig(dir);
        String declared = config.path("base_model_name_or_path").asText(null);
        if (!base.reference().equals(declared)) {
            throw new AdapterValidationException(BASE_MODEL_MISMATCH, "base_model_name_or_path",
                    "base model mismatch: the adapter was trained on '" + declared + "', this base is '" + base.reference() + "'");
        }
        int r = config.path("r").asInt(0);
        double alpha = config.path("lora_alpha").asDouble(0);
        if (r <= 0 || alpha <= 0) {
            throw new AdapterValidationException(INVALID_CONFIG, r <= 0 ? "r" : "lora_alpha", "r and lora_alpha must be positive");
        }
        SafetensorsFile file = readWeights(dir);
        Map<String, Linear> targets = new VisionTransformer(base.config()).loraTargets();
        Map<String, TensorEntry[]> factors = new LinkedHashMap<>();
        TensorEntry classEmb = null;
        TensorEntry logitScale = null;
        for (TensorEntry t : file.tensors().values()) {
            String key = t.name();
            String local = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
            if (local.equals(TaskHead.MODULE + "." + TaskHead.CLASS_EMBEDDINGS)) {
                classEmb = t;
            } else if (local.equals(TaskHead.MODULE + "." + TaskHead.LOGIT_SCALE)) {
                logitScale = t;
            } else if (local.endsWith(".lora_A.weight") || local.endsWith(".lora_B.weight")) {
                String module = local.substring(0, local.length() - ".lora_A.weight".length());
                if (!targets.containsKey(module)) {
                    throw new AdapterValidationException(BASE_MODEL_MISMATCH, key,
                            "base model mismatch: " + base.config().id() + " has no LoRA target module '" + module + "'");
                }
                factors.computeIfAbsent(module, k -> new TensorEntry[2])[local.contains(".lora_A.") ? 0 : 1] = t;
            } else {
                throw new AdapterValidationException(BASE_MODEL_MISMATCH, key,
                        "base model mismatch: tensor '" + key + "' is neither a LoRA factor nor the task head of " + base.config().id());
            }
        }
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        for (Map.Entry<String, TensorEntry[]> e : factors.entrySet()) {
            Linear l = targets.get(e.getKey());
            TensorEntry a = e.getValue()[0];
            TensorEntry b = e.getValue()[1];
            if (a == null || b == null) {
                throw new AdapterValidationException(INVALID_TENSORS, PREFIX + e.getKey(), "lora_A and lora_B must come in pairs");
            }
            expectShape(a, r, l.in());
            expectShape(b, l.out(), r);
            modules.put(e.getKey(), new LoraModule(r, l.in(), l.out(), a.floats(), b.floats(), (float) (alpha / r)));
        }
        if (modules.isEmpty()) {
            throw new AdapterValidationException(INVALID_TENSORS, WEIGHTS_FILE, "no LoRA factors");
        }
        if (classEmb == null || logitScale == null) {
            throw new AdapterValidationException(INVALID_TENSORS, PREFIX + TaskHead.MODULE,
                    "the task head (modules_to_save 'head': class_embeddings, logit_scale) is missing");
        }
        long[] hs = classEmb.shape();
        if (hs.length != 2 || hs[1] != base.config().width() || hs[0] < 2) {
            throw new AdapterValidationException(BASE_MODEL_MISMATCH, classEmb.name(),
                    "class embeddings " + Arrays.toString(hs) + " must be [classes >= 2, " + base.config().width() + "]");
        }
        expectShape(logitScale, 1);
        TaskHead head = new TaskHead((int) hs[0], (int) hs[1], classEmb.floats(), logitScale.floats()[0]);
        return new Adapter(task, modules, head, declared);
    }

    private static JsonNode readConfig(Path dir) throws AdapterValidationException {
        JsonNode config;
        try {
            config = JSON.readTree(Files.readAllBytes(dir.resolve(CONFIG_FILE)));
        } catch (NoSuchFileException e) {
            throw new AdapterValidationException(MISSING_FILE, CONFIG_FILE, CONFIG_FILE + " is missing from " + dir, e);
        } catch (IOException e) {
            throw new AdapterValidationException(INVALID_CONFIG, CONFIG_FILE, CONFIG_FILE + " is not valid JSON: " + e.getMessage(), e);
        }
        if (config == null || !config.isObject()) {
            throw new AdapterValidationException(INVALID_CONFIG, CONFIG_FILE, CONFIG_FILE + " must be a JSON object");
        }
        if (!"LORA".equals(config.path("peft_type").asText())) {
            throw new AdapterValidationException(UNSUPPORTED_FEATURE, "peft_type", "only peft_type LORA is supported, got " + config.get("peft_type"));
        }
        for (String flag : new String[] {"use_dora", "fan_in_fan_out", "use_rslora"}) {
            if (config.path(flag).asBoolean(false)) {
                throw new AdapterValidationException(UNSUPPORTED_FEATURE, flag, flag + "=true is not supported");
            }
        }
        return config;
    }

    private static SafetensorsFile readWeights(Path dir) throws AdapterValidationException {
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            throw new AdapterValidationException(MISSING_FILE, WEIGHTS_FILE, WEIGHTS_FILE + " is missing from " + dir);
        }
        try {
            return new SafetensorsReader().read(file);
        } catch (SafetensorsFormatException e) {
            throw new AdapterValidationException(INVALID_TENSORS, e.tensor() == null ? WEIGHTS_FILE : e.tensor(), e.getMessage(), e);
        }
    }

    private static void expectShape(TensorEntry t, long... shape) throws AdapterValidationException {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new AdapterValidationException(BASE_MODEL_MISMATCH, t.name(),
                    "base model mismatch: " + t.name() + " has shape " + Arrays.toString(t.shape()) + ", this base needs " + Arrays.toString(shape));
        }
    }

    /** PEFT's target_modules use the last name component: q_proj, v_proj, visual_projection. */
    static String shortName(String module) {
        return module.substring(module.lastIndexOf('.') + 1);
    }
}
