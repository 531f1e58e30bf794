package dev.medforge.ml.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.data.ImageFiles;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.merge.PeftExport;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What we publish means the same outside our code: the NumPy reference in {@code interop/python},
 * written from the published files alone, recomputes an exported composite's outputs on 64
 * Fashion-MNIST images, and scikit-learn recomputes our AUC. Needs Debian's python3-numpy and
 * python3-sklearn, which {@code ./medforge test} installs.
 */
class PythonReferenceTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path SCRIPT = Path.of("..", "interop", "python", "medforge_reference.py");
    private static final int IMAGES = 64;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final BaseModel BASE = TestAdapters.randomBase(41);
    private static final Adapter TOPS = TestAdapters.random(BASE, "tops", 4, 8, 16f, 42);
    private static final Adapter FOOTWEAR = TestAdapters.random(BASE, "footwear", 3, 4, 8f, 43);
    private static final Map<String, List<String>> CLASS_NAMES = Map.of(
            "tops", List.of("T-shirt/top", "Pullover", "Coat", "Shirt"), "footwear", List.of("Sandal", "Sneaker", "Ankle boot"));

    @TempDir
    static Path dir;
    private static Path images;
    private static ImageFiles pixels;

    @BeforeAll
    static void baseAndImages() throws IOException {
        BASE.save(dir.resolve("base"));
        images = dir.resolve("images-idx3-ubyte");
        TestImages.writeFashionMnistIdx(images, IMAGES);
        pixels = ImageFiles.read(List.of(images), BASE.config());
    }

    @Test
    void aFusedExportGivesTheSameLogitsInTheReferenceAsInDjl() throws Exception {
        Composite fused = MergeStrategies.get("ties").merge(new MergeRequest(List.of(TOPS, FOOTWEAR), MergeOptions.defaults()));
        Path export = export(fused, "fused");

        for (String task : List.of("tops", "footwear")) {
            float[][] djl;
            try (ModelSession session = ModelSession.open(BASE)) {
                djl = session.logits(pixels.pixels(), IMAGES, ((Composite.Merged) fused).modules(), fused.head(task));
            }
            JsonNode reference = reference(export, task);

            assertEquals(CLASS_NAMES.get(task), JSON.convertValue(reference.path("classNames"), List.class));
            double gap = maxGap(djl, reference.path("logits"));
            System.out.printf("%s: %d images, max |logit gap| %.3g over a logit spread of %.3g%n", task, IMAGES, gap, spread(djl));
            assertTrue(gap < 1e-4, task + ": the reference's logits differ from DJL's by up to " + gap);
            assertTrue(spread(djl) > 0.5, "logits that vary, so agreeing means something: spread " + spread(djl));
        }
    }

    @Test
    void aMixtureExportGivesTheSameProbabilitiesInTheReferenceAsInDjl() throws Exception {
        Map<String, double[]> rows = new LinkedHashMap<>();
        rows.put("tops", new double[] {0.7, 0.3});
        rows.put("footwear", new double[] {0.0, 2.0});
        Composite mixture = new Composite.Mixture(List.of(TOPS, FOOTWEAR), rows, Map.of("tops", TOPS.head(), "footwear", FOOTWEAR.head()));
        Path export = export(mixture, "mixture");

        float[][] djl;
        try (ModelSession session = ModelSession.open(BASE)) {
            djl = mixture.scores(session, "tops", pixels.pixels(), IMAGES);
        }
        double gap = maxGap(djl, reference(export, "tops").path("probabilities"));
        System.out.printf("mixture: max |probability gap| %.3g%n", gap);
        assertTrue(gap < 1e-5, "the reference's mixture probabilities differ from DJL's by up to " + gap);
    }

    @Test
    void ourMacroAucIsScikitLearnsOneVsRestAuc() throws Exception {
        float[][] scores;
        try (ModelSession session = ModelSession.open(BASE)) {
            scores = session.probabilities(pixels.pixels(), IMAGES, TOPS.modules(), TOPS.head());
        }
        int[] labels = new int[IMAGES];
        for (int i = 0; i < IMAGES; i++) {
            labels[i] = (i * 7 + i / 5) % TOPS.head().classes();
        }
        ObjectNode input = JSON.createObjectNode();
        ArrayNode rows = input.putArray("scores");
        for (float[] row : scores) {
            ArrayNode r = rows.addArray();
            for (float s : row) {
                r.add((double) s);
            }
        }
        Arrays.stream(labels).forEach(input.putArray("labels")::add);
        Path in = dir.resolve("auc-in.json");
        JSON.writeValue(in.toFile(), input);

        JsonNode sklearn = run("auc", "--scores", in.toString());

        double ours = Scoring.of(scores, labels).auc();
        System.out.printf("AUC ours %.17g, scikit-learn %.17g%n", ours, sklearn.path("auc").asDouble());
        assertEquals(sklearn.path("auc").asDouble(), ours, 1e-9, "scikit-learn's roc_auc_score(multi_class='ovr') against ours");
    }

    private static Path export(Composite composite, String name) throws Exception {
        CompositeIO.Loaded loaded = CompositeIO.read(CompositeIO.write(composite, BASE, "{}", CLASS_NAMES));
        Path export = dir.resolve(name);
        PeftExport.write(loaded, BASE.config(), export);
        return export;
    }

    private static JsonNode reference(Path export, String task) throws Exception {
        return run("logits", "--base", dir.resolve("base").toString(), "--export", export.toString(), "--task", task,
                "--images", images.toString());
    }

    private static JsonNode run(String command, String... args) throws Exception {
        assertTrue(Files.isExecutable(PYTHON), PYTHON + " is missing: ./medforge test installs Debian's python3-numpy and python3-sklearn");
        Path out = Files.createTempFile(dir, command, ".json");
        List<String> line = new java.util.ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), command));
        line.addAll(List.of(args));
        line.addAll(List.of("--out", out.toString()));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the reference did not finish in 120 s");
        assertEquals(0, p.exitValue(), "the reference failed (needs python3-numpy and python3-sklearn, which ./medforge test installs): " + output);
        return JSON.readTree(out.toFile());
    }

    private static double maxGap(float[][] djl, JsonNode reference) {
        assertEquals(djl.length, reference.size(), "one row per image");
        double gap = 0;
        for (int i = 0; i < djl.length; i++) {
            for (int c = 0; c < djl[i].length; c++) {
                gap = Math.max(gap, Math.abs(djl[i][c] - reference.get(i).get(c).asDouble()));
            }
        }
        return gap;
    }

    private static double spread(float[][] values) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float[] row : values) {
            for (float v : row) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max - min;
    }
}
