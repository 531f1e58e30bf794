package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.ml.PulledModel;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.PeftExport;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The README.md of a PEFT export: a Hugging Face model card, front matter first ({@code base_model},
 * {@code library_name: peft}, {@code model-index} with each task's accuracy and AUC, contributors),
 * then what a reader needs to run it: the files, each head's classes in row order, and where the
 * conventions are written down.
 */
final class PeftModelCard {

    private PeftModelCard() {
    }

    static String readme(JsonNode card, PulledModel model) {
        String name = card.path("branch").asText() + "-v" + card.path("version").asInt();
        Composite composite = model.composite();
        boolean mixture = composite instanceof Composite.Mixture;
        TreeSet<String> contributors = new TreeSet<>();
        card.path("institutions").forEach(i -> contributors.add(i.asText()));

        StringBuilder md = new StringBuilder("---\n");
        md.append("base_model: ").append(yaml(model.loaded().baseReference())).append('\n');
        md.append("library_name: peft\n");
        md.append("pipeline_tag: image-classification\n");
        md.append("tags:\n  - medforge\n  - lora\n  - ").append(yaml(card.path("strategy").asText())).append('\n');
        md.append("contributors:\n");
        contributors.forEach(c -> md.append("  - ").append(yaml(c)).append('\n'));
        md.append("model-index:\n  - name: ").append(yaml(name)).append("\n    results:\n");
        for (String task : composite.heads().keySet()) {
            JsonNode metrics = card.path("metrics").path(task);
            md.append("      - task:\n          type: image-classification\n          name: ").append(yaml(task)).append('\n');
            md.append("        dataset:\n          name: ").append(yaml(task + " evaluation suite")).append('\n');
            md.append("          type: ").append(yaml(suite(card, task))).append('\n');
            md.append("        metrics:\n");
            md.append("          - type: accuracy\n            value: ").append(metrics.path("accuracy").asDouble()).append('\n');
            md.append("          - type: roc_auc\n            value: ").append(metrics.path("auc").asDouble()).append('\n');
        }
        md.append("---\n\n");

        md.append("# ").append(name).append("\n\n");
        md.append(String.format(Locale.ROOT, "A MedForge composite of branch `%s`, version %d (%s), published %s, from %s.%n%n",
                card.path("branch").asText(), card.path("version").asInt(), card.path("strategy").asText(),
                card.path("publishedAt").asText(), String.join(", ", contributors)));
        md.append("## Tasks\n\n| task | classes, in head row order | accuracy | AUC |\n|---|---|---|---|\n");
        for (String task : composite.heads().keySet()) {
            JsonNode metrics = card.path("metrics").path(task);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.4f | %.4f |%n", task, String.join(", ", model.classNames(task)),
                    metrics.path("accuracy").asDouble(), metrics.path("auc").asDouble()));
        }
        md.append("\n## Files\n\n");
        if (mixture) {
            md.append("- `" + PeftExport.MEMBERS_DIR + "/<i>-<task>/`: one PEFT LoRA adapter per member, for the base named by "
                    + "`base_model_name_or_path`.\n");
            md.append("- `" + PeftExport.MIXTURE_FILE + "`: the weight of each member for each task, and the rule that mixes "
                    + "the members' softmax outputs.\n");
        } else {
            md.append("- `adapter_config.json`, `adapter_model.safetensors`: one PEFT LoRA adapter (the merged update) for the base "
                    + "named by `base_model_name_or_path`.\n");
        }
        md.append("- `" + PeftExport.HEADS_FILE + "`: each task's head, `heads.<task>.class_embeddings` [classes, width] and "
                + "`heads.<task>.logit_scale`; its `class_names` metadata names the rows.\n");
        md.append("- `architecture.json`: the base's shapes and `conventions`: pixel scaling, norm placement and epsilon, the GELU "
                + "form, the attention split, pooling, and the cosine head with its logit-scale clamp.\n\n");
        md.append("The base weights are `base/model.safetensors` beside this folder (`medforge pull` fetches them). "
                + "`interop/python/medforge_reference.py` in the MedForge repository runs these files with NumPy alone.\n");
        return md.toString();
    }

    private static String suite(JsonNode card, String task) {
        for (JsonNode t : card.path("tasks")) {
            if (t.path("name").asText().equals(task)) {
                return t.path("evaluationSuite").asText();
            }
        }
        return "unknown";
    }

    /** A YAML scalar, quoted: names may hold ':' or '@'. */
    private static String yaml(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
