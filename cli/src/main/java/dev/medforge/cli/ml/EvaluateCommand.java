package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.OutputFormat;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code medforge evaluate}: a composite's accuracy and AUC on an evaluation suite, computed as the platform's gate computes them. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score a composite (from 'medforge pull') on one task's evaluation suite (from 'medforge task suite'): accuracy and"
                + " one-vs-rest macro AUC, computed as eval-service computes the model card's. With the model-card.json that pull"
                + " leaves beside the model, also says whether the numbers match the card's.")
public final class EvaluateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "a composite from 'medforge pull'")
    Path model;

    @Option(names = "--task", required = true)
    String task;

    @Option(names = "--suite", required = true, paramLabel = "FILE", description = "the task's evaluation suite (safetensors)")
    Path suite;

    @Option(names = "--base", paramLabel = "DIR", description = "the base model folder (default: base/ beside the model)")
    Path base;

    @Mixin
    OutputFormat output;

    @Override
    public Integer call() throws IOException {
        PulledModel pulled = PulledModel.load(model, base);
        pulled.requireTask(task);
        VitConfig config = pulled.base().config();
        LabeledImages images;
        try {
            images = DistilledSetIO.read(suite, pulled.composite().head(task).classes(), config.imageSize(), config.imageSize());
        } catch (SafetensorsFormatException e) {
            throw CliException.usage(suite + " is not an evaluation suite for " + task + ": " + e.getMessage());
        }
        TaskMetrics metrics;
        try (ModelSession session = ModelSession.open(pulled.base())) {
            metrics = Scoring.of(pulled.composite().scores(session, task, images.pixels(), images.size()), images.labels());
        }
        JsonNode card = pulled.cardMetrics(task);
        Boolean matches = card == null || card.isMissingNode() ? null
                : same(card.path("accuracy").asDouble(), metrics.accuracy()) && same(card.path("auc").asDouble(), metrics.auc());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            ObjectNode result = JSON.createObjectNode().put("model", model.toString()).put("task", task).put("suite", suite.toString())
                    .put("images", metrics.n()).put("accuracy", metrics.accuracy()).put("auc", metrics.auc());
            if (matches != null) {
                result.put("matchesModelCard", matches);
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } else {
            out.printf(Locale.ROOT, "%s: accuracy %.4f, AUC %.4f on %d images%n", task, metrics.accuracy(), metrics.auc(), metrics.n());
            if (matches != null) {
                out.printf(Locale.ROOT, "model card: accuracy %.4f, AUC %.4f (%s)%n", card.path("accuracy").asDouble(),
                        card.path("auc").asDouble(), matches ? "the same" : "DIFFERENT: is this the suite the task registered?");
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The card's figure and ours come from the same scores on the same suite, so they agree to the
     * last bit unless a writer on the way rounded them; a difference beyond rounding means another
     * suite or another model.
     */
    private static boolean same(double card, double measured) {
        return Math.abs(card - measured) <= 1e-12;
    }
}
