package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ml.PulledModel;
import dev.medforge.ml.data.DatasetFormatException;
import dev.medforge.ml.data.ImageFiles;
import dev.medforge.ml.model.ModelSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code medforge predict}: a published version's class and probabilities for each image, by the task's class names. */
@Command(name = "predict", description = "Classify images with a composite for one task: prints each image's class, its probability and"
        + " the runners-up. IMAGES are PNG files (one image each, converted to gray, the base's size) and IDX image files"
        + " (idx3-ubyte, gzipped or not; NAME#i for the i-th image). The model is --model FILE (from 'medforge pull', with base/"
        + " beside it or --base DIR), or --branch B --version V, pulled and verified into --cache first.")
public final class PredictCommand extends GatewayVerb {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--model", paramLabel = "FILE", description = "a composite from 'medforge pull'")
    Path model;

    @Option(names = "--branch", description = "with --version: the published version to use")
    String branch;

    @Option(names = "--version", description = "with --branch: the version number")
    Integer version;

    @Option(names = "--task", required = true, description = "which of the model's tasks (and head) to classify for")
    String task;

    @Option(names = "--base", paramLabel = "DIR", description = "the base model folder (default: base/ beside the model)")
    Path base;

    @Option(names = "--cache", paramLabel = "DIR", description = "where --branch/--version models are kept"
            + " (default: $XDG_CACHE_HOME/medforge/models or ~/.cache/medforge/models)")
    Path cache;

    @Option(names = "--top", defaultValue = "3", description = "classes shown per image (default ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--limit", paramLabel = "N", description = "classify only the first N images, in the order given; images after them are not read (default: all)")
    Integer limit;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "PNG or IDX files")
    List<Path> images;

    @Override
    public Integer call() throws IOException {
        PulledModel pulled = PulledModel.load(modelFile(), base);
        pulled.requireTask(task);
        if (limit != null && limit < 1) {
            throw CliException.usage("--limit must be at least 1, got " + limit);
        }
        ImageFiles files;
        try {
            files = ImageFiles.read(images, pulled.base().config(), limit == null ? Integer.MAX_VALUE : limit);
        } catch (DatasetFormatException e) {
            throw CliException.usage(e.getMessage());
        }
        float[][] probabilities;
        try (ModelSession session = ModelSession.open(pulled.base())) {
            probabilities = pulled.composite().scores(session, task, files.pixels(), files.size());
        }
        List<String> classes = pulled.classNames(task);
        Output out = out();
        if (json()) {
            ObjectNode result = GatewayClient.JSON.createObjectNode().put("model", pulled.file().toString()).put("task", task);
            classes.forEach(result.putArray("classNames")::add);
            ArrayNode predictions = result.putArray("predictions");
            for (int i = 0; i < files.size(); i++) {
                int best = ranked(probabilities[i]).get(0);
                ObjectNode p = predictions.addObject().put("image", files.names().get(i)).put("class", classes.get(best)).put("label", best);
                ObjectNode byClass = p.putObject("probabilities");
                for (int c = 0; c < classes.size(); c++) {
                    byClass.put(classes.get(c), probabilities[i][c]);
                }
            }
            out.json(result);
            return 0;
        }
        for (int i = 0; i < files.size(); i++) {
            List<Integer> order = ranked(probabilities[i]);
            List<String> shown = new ArrayList<>();
            for (int k = 1; k < Math.min(Math.max(top, 1), order.size()); k++) {
                shown.add(String.format(Locale.ROOT, "%s %.3f", classes.get(order.get(k)), probabilities[i][order.get(k)]));
            }
            out.line(String.format(Locale.ROOT, "%s\t%s\t%.3f%s", files.names().get(i), classes.get(order.get(0)),
                    probabilities[i][order.get(0)], shown.isEmpty() ? "" : "\t(" + String.join(", ", shown) + ")"));
        }
        return 0;
    }

    private Path modelFile() throws IOException {
        boolean byVersion = branch != null || version != null;
        if ((model == null) == !byVersion || byVersion && (branch == null || version == null)) {
            throw CliException.usage("say which model: --model FILE, or --branch B --version V");
        }
        if (model != null) {
            return model;
        }
        VersionRef ref = new VersionRef();
        ref.branch = branch;
        ref.version = version;
        Path dir = (cache != null ? cache : defaultCache()).resolve(branch + "-v" + version);
        PullCommand.Pulled pulled = PullCommand.fetch(gateway.client(), ref, dir, out());
        if (base == null && pulled.base() == null) {
            throw CliException.rejected("the platform does not hold the base model of branch '" + branch + "'; pass --base DIR");
        }
        return pulled.model();
    }

    private static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path root = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return root.resolve("medforge").resolve("models");
    }

    /** Class indices by falling probability; ties keep the lower index first, as the metrics' argmax does. */
    private static List<Integer> ranked(float[] row) {
        return IntStream.range(0, row.length).boxed().sorted(Comparator.comparingDouble((Integer c) -> -row[c])).toList();
    }
}
