package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A composite file as {@code medforge pull} leaves it, with the base it runs on: what
 * {@code predict} and {@code evaluate} load. The base is {@code base/} beside the file unless given;
 * class names come from the file, or from the {@code model-card.json} beside it for files written
 * before composites carried them.
 */
public record PulledModel(Path file, CompositeIO.Loaded loaded, BaseModel base, JsonNode card) {

    public static final String BASE_DIR = "base";
    public static final String CARD_FILE = "model-card.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static PulledModel load(Path file, Path baseDir) {
        if (!Files.isRegularFile(file)) {
            throw CliException.usage("no model file " + file + " (medforge pull --branch B --version V --out DIR puts one there)");
        }
        Path dir = file.toAbsolutePath().getParent();
        Path baseHome = baseDir != null ? baseDir : dir.resolve(BASE_DIR);
        if (!Files.isRegularFile(baseHome.resolve(BaseModel.WEIGHTS_FILE))) {
            throw CliException.usage("no base model in " + baseHome + ": medforge pull puts it in base/ beside the model;"
                    + " or pass --base DIR with model.safetensors and architecture.json");
        }
        CompositeIO.Loaded loaded;
        try {
            loaded = CompositeIO.read(Files.readAllBytes(file));
        } catch (SafetensorsFormatException e) {
            throw CliException.usage(file + " is not a MedForge composite: " + e.getMessage());
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
        BaseModel base;
        try {
            base = BaseModel.load(baseHome);
        } catch (IOException e) {
            throw CliException.usage("cannot load the base model in " + baseHome + ": " + e.getMessage());
        }
        if (!base.reference().equals(loaded.baseReference())) {
            throw CliException.usage(file + " was merged on " + loaded.baseReference() + ", but " + baseHome + " holds " + base.reference());
        }
        JsonNode card = null;
        Path cardFile = dir.resolve(CARD_FILE);
        if (Files.isRegularFile(cardFile)) {
            try {
                card = JSON.readTree(cardFile.toFile());
            } catch (IOException e) {
                throw CliException.usage("cannot read " + cardFile + ": " + e.getMessage());
            }
        }
        return new PulledModel(file, loaded, base, card);
    }

    public Composite composite() {
        return loaded.composite();
    }

    /** Checks that the model serves {@code task}, naming the tasks it does serve when not. */
    public void requireTask(String task) {
        if (!composite().heads().containsKey(task)) {
            throw CliException.usage("the model has no task '" + task + "'; it serves " + String.join(", ", composite().heads().keySet()));
        }
    }

    /** The task's class names in head row order: from the file, else the card beside it, else {@code class i}. */
    public List<String> classNames(String task) {
        int classes = composite().head(task).classes();
        List<String> names = loaded.classNames().get(task);
        if (names == null && card != null) {
            for (JsonNode t : card.path("tasks")) {
                if (t.path("name").asText().equals(task)) {
                    names = new ArrayList<>();
                    for (JsonNode n : t.path("classNames")) {
                        names.add(n.asText());
                    }
                }
            }
        }
        if (names != null && names.size() == classes) {
            return names;
        }
        List<String> numbered = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            numbered.add(loaded.className(task, c));
        }
        return numbered;
    }

    /** The card's accuracy and AUC for {@code task}, or null when there is no card beside the file. */
    public JsonNode cardMetrics(String task) {
        return card == null ? null : card.path("metrics").path(task);
    }
}
