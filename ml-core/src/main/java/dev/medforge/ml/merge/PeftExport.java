package dev.medforge.ml.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A composite as files the Python world reads: Hugging Face PEFT LoRA directories
 * ({@code adapter_config.json}, {@code adapter_model.safetensors}) for the base named by
 * {@code base_model_name_or_path}, with everything a PEFT file cannot hold beside them.
 * <ul>
 * <li>A fused composite is one PEFT directory: the export folder itself.</li>
 * <li>A mixture is one PEFT directory per member under {@code members/<i>-<task>/}, and
 *     {@code mixture.json} with its [tasks, members] weight matrix and the rule that combines them.</li>
 * <li>Either way, {@code heads.safetensors} holds every task's head ({@code heads.<task>.class_embeddings}
 *     [classes, width], {@code heads.<task>.logit_scale} [1]) with each head's class names in row order
 *     as the {@code class_names} metadata entry, and {@code architecture.json} is the base's, conventions
 *     included ({@link VitConfig#conventions()}).</li>
 * </ul>
 * Heads are not PEFT {@code modules_to_save}: a composite has one per task, and the base model has no
 * module they would replace.
 */
public final class PeftExport {
    public static final String HEADS_FILE = "heads.safetensors";
    public static final String MIXTURE_FILE = "mixture.json";
    public static final String MEMBERS_DIR = "members";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeftExport() {
    }

    /** Writes {@code loaded} into {@code dir} and returns the PEFT directories written, in member order. */
    public static List<Path> write(CompositeIO.Loaded loaded, VitConfig architecture, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        Composite composite = loaded.composite();
        if (composite instanceof Composite.Merged merged) {
            PeftAdapterIO.write(merged.modules(), null, loaded.baseReference(), dir);
            written.add(dir);
        } else {
            Composite.Mixture mixture = (Composite.Mixture) composite;
            ObjectNode json = JSON.createObjectNode();
            json.put("rule", "p(task) = sum over members m of weights[task][m] / sum(weights[task]) * softmax(head(task) on base + LoRA of m);"
                    + " members with weight 0 are not run");
            ArrayNode members = json.putArray("members");
            for (int m = 0; m < mixture.members().size(); m++) {
                Adapter member = mixture.members().get(m);
                String name = m + "-" + member.task();
                Path memberDir = dir.resolve(MEMBERS_DIR).resolve(name);
                PeftAdapterIO.write(member.modules(), null, loaded.baseReference(), memberDir);
                written.add(memberDir);
                members.addObject().put("directory", MEMBERS_DIR + "/" + name).put("task", member.task());
            }
            ObjectNode weights = json.putObject("weights");
            mixture.weights().forEach((task, row) -> {
                ArrayNode values = weights.putArray(task);
                for (double w : row) {
                    values.add(w);
                }
            });
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(MIXTURE_FILE).toFile(), json);
        }
        SafetensorsWriter heads = new SafetensorsWriter().metadata("format", "pt")
                .metadata(CompositeIO.CLASS_NAMES, JSON.writeValueAsString(loaded.classNames()));
        CompositeIO.putHeads(heads, composite.heads());
        heads.write(dir.resolve(HEADS_FILE));
        architecture.write(dir.resolve(BaseModel.ARCHITECTURE_FILE));
        return written;
    }
}
