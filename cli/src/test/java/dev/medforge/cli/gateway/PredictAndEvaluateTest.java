package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.ml.data.ImageFiles;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.store.PipelineFixtures;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: a subscriber goes from a published version to predictions and scores without writing
 * code. The version is a real composite published through the real registry and gateway (the eval
 * stage played by its event, with metrics computed here as eval-service computes them).
 */
class PredictAndEvaluateTest extends BranchWithTopsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int IMAGES = 20;

    @Test
    void aPulledVersionPredictsByClassNameAndEvaluatesToItsModelCardsNumbers() throws Exception {
        Adapter tops = PipelineFixtures.adapter(61);
        Composite composite = new Composite.Merged(tops.modules(), Map.of("tops", tops.head()), new double[] {1.0});
        String artifact = GatewayStack.store().put(CompositeIO.write(composite, PipelineFixtures.BASE, "{\"members\":[]}",
                Map.of("tops", PipelineFixtures.TOPS))).toString();
        // The suite newBranch registered for tops: the same fixture call stores the same bytes.
        Path suite = dir.resolve("tops-suite.safetensors");
        Files.write(suite, GatewayStack.store().getBytes(ArtifactDigest.parse(
                PipelineFixtures.storeLabeledImages(GatewayStack.store(), PipelineFixtures.TOPS.size(), 25, 17))));
        LabeledImages suiteImages = DistilledSetIO.read(suite, 4, 28, 28);
        dev.medforge.contracts.events.TaskMetrics scored;
        try (ModelSession session = ModelSession.open(PipelineFixtures.BASE)) {
            scored = dev.medforge.ml.metrics.Scoring.of(composite.scores(session, "tops", suiteImages.pixels(), suiteImages.size()),
                    suiteImages.labels());
        }
        String submission = UUID.randomUUID().toString();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("cli-test", new CompositeEvaluated(
                "c-" + UUID.randomUUID(), branch, 0, "fusion", artifact,
                List.of(new AdapterRef(submission, "hospital-a", "tops", artifact, artifact, artifact)),
                Map.of(submission, 1.0), Map.of("tops", new TaskMetrics(scored.accuracy(), scored.auc(), scored.n())), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()))));
        await(() -> cli.run("hospital-a", "versions", "--branch", branch), r -> r.exit() == 0 && r.out().contains("v1"));

        Path pulledDir = dir.resolve("pulled");
        Cli.Result pulled = cli.run("hospital-a", "pull", "--branch", branch, "--version", "1", "--out", pulledDir.toString(),
                "--format", "peft");
        assertEquals(0, pulled.exit(), pulled.toString());
        Path baseDir = pulledDir.resolve("base");
        assertEquals(PipelineFixtures.BASE.reference(), BaseModel.load(baseDir).reference(), "the base came down, verified, beside the model");
        assertTrue(Files.readString(baseDir.resolve("architecture.json")).contains("\"conventions\""),
                "the base's architecture.json spells out its conventions, whatever text the registry holds");
        Path peft = pulledDir.resolve(branch + "-v1-peft");
        JsonNode config = JSON.readTree(peft.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.path("peft_type").asText());
        assertEquals(PipelineFixtures.BASE.reference(), config.path("base_model_name_or_path").asText());
        assertTrue(Files.isRegularFile(peft.resolve("adapter_model.safetensors")) && Files.isRegularFile(peft.resolve("heads.safetensors"))
                && Files.isRegularFile(peft.resolve("architecture.json")), pulled.toString());
        String readme = Files.readString(peft.resolve("README.md"));
        assertTrue(readme.startsWith("---\nbase_model: \"" + PipelineFixtures.BASE.reference() + "\"\nlibrary_name: peft\n"), readme);
        assertTrue(readme.contains("  - \"hospital-a\"") && readme.contains("| tops | T-shirt/top, Pullover, Coat, Shirt |"), readme);

        Path idx = dir.resolve("images-idx3-ubyte");
        TestImages.writeFashionMnistIdx(idx, IMAGES);
        Cli.Result predicted = cli.run("hospital-a", "predict", "--branch", branch, "--version", "1", "--task", "tops",
                "--cache", dir.resolve("cache").toString(), "--json", idx.toString());
        assertEquals(0, predicted.exit(), predicted.toString());
        JsonNode predictions = JSON.readTree(predicted.out());
        assertEquals(PipelineFixtures.TOPS, JSON.convertValue(predictions.path("classNames"), List.class));
        assertEquals(IMAGES, predictions.path("predictions").size());
        float[][] expected;
        try (ModelSession session = ModelSession.open(PipelineFixtures.BASE)) {
            expected = composite.scores(session, "tops", ImageFiles.read(List.of(idx), PipelineFixtures.BASE.config()).pixels(), IMAGES);
        }
        for (int i = 0; i < IMAGES; i++) {
            JsonNode p = predictions.path("predictions").get(i);
            assertEquals("images-idx3-ubyte#" + i, p.path("image").asText());
            int best = dev.medforge.ml.metrics.Scoring.argMax(expected[i]);
            assertEquals(PipelineFixtures.TOPS.get(best), p.path("class").asText(), "image " + i);
            assertEquals(expected[i][best], p.path("probabilities").path(PipelineFixtures.TOPS.get(best)).floatValue(), 1e-6);
        }

        Cli.Result evaluated = Cli.raw("evaluate", "--model", pulledDir.resolve(branch + "-v1.safetensors").toString(),
                "--task", "tops", "--suite", suite.toString(), "-o", "json");
        assertEquals(0, evaluated.exit(), evaluated.toString());
        JsonNode scores = JSON.readTree(evaluated.out());
        assertEquals(scored.accuracy(), scores.path("accuracy").asDouble());
        assertEquals(scored.auc(), scores.path("auc").asDouble());
        assertTrue(scores.path("matchesModelCard").asBoolean(), evaluated.toString());
        Cli.Result text = Cli.raw("evaluate", "--model", pulledDir.resolve(branch + "-v1.safetensors").toString(),
                "--task", "tops", "--suite", suite.toString(), "--json", "-o", "table");
        assertTrue(text.out().contains("(the same)"), text.toString());
    }

    @Test
    void aPngPredictsAndBadInputIsAUsageErrorNamingWhatIsWrong() throws Exception {
        Adapter tops = PipelineFixtures.adapter(62);
        Path modelDir = dir.resolve("local");
        PipelineFixtures.BASE.save(modelDir.resolve("base"));
        Path model = modelDir.resolve("model.safetensors");
        Files.write(model, CompositeIO.write(new Composite.Merged(tops.modules(), Map.of("tops", tops.head()), new double[] {1.0}),
                PipelineFixtures.BASE, "{}", Map.of("tops", PipelineFixtures.TOPS)));
        Path png = dir.resolve("shirt.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());

        Cli.Result predicted = cli.run("hospital-a", "predict", "--model", model.toString(), "--task", "tops", png.toString());
        assertEquals(0, predicted.exit(), predicted.toString());
        assertTrue(predicted.line().startsWith("shirt.png\t"), predicted.toString());
        assertTrue(PipelineFixtures.TOPS.contains(predicted.line().split("\t")[1]), "a class name, not an index: " + predicted);

        Path idx = dir.resolve("some-idx3-ubyte");
        TestImages.writeFashionMnistIdx(idx, IMAGES);
        Cli.Result firstTwo = cli.run("hospital-a", "predict", "--model", model.toString(), "--task", "tops", "--limit", "2",
                png.toString(), idx.toString());
        assertEquals(0, firstTwo.exit(), firstTwo.toString());
        List<String> lines = firstTwo.out().lines().toList();
        assertEquals(2, lines.size(), "--limit 2 classifies the first two images given: " + firstTwo);
        assertTrue(lines.get(0).startsWith("shirt.png\t") && lines.get(1).startsWith("some-idx3-ubyte#0\t"), firstTwo.toString());
        Cli.Result noImages = cli.run("hospital-a", "predict", "--model", model.toString(), "--task", "tops", "--limit", "0", png.toString());
        assertEquals(2, noImages.exit(), noImages.toString());
        assertTrue(noImages.err().contains("--limit must be at least 1, got 0"), noImages.toString());

        Path large = dir.resolve("large.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY), "png", large.toFile());
        Cli.Result wrongSize = cli.run("hospital-a", "predict", "--model", model.toString(), "--task", "tops", large.toString());
        assertEquals(2, wrongSize.exit(), wrongSize.toString());
        assertTrue(wrongSize.err().contains("large.png: is 32x32, the model takes 28x28"), wrongSize.toString());

        Cli.Result unknownTask = cli.run("hospital-a", "predict", "--model", model.toString(), "--task", "footwear", png.toString());
        assertEquals(2, unknownTask.exit(), unknownTask.toString());
        assertTrue(unknownTask.err().contains("the model has no task 'footwear'; it serves tops"), unknownTask.toString());

        Cli.Result noBase = Cli.raw("evaluate", "--model", model.toString(), "--task", "tops", "--suite", png.toString(),
                "--base", dir.resolve("nowhere").toString());
        assertEquals(2, noBase.exit(), noBase.toString());
        assertTrue(noBase.err().contains("no base model in " + dir.resolve("nowhere")), noBase.toString());

        Cli.Result notASuite = Cli.raw("evaluate", "--model", model.toString(), "--task", "tops", "--suite", png.toString());
        assertEquals(2, notASuite.exit(), notASuite.toString());
        assertTrue(notASuite.err().contains("is not an evaluation suite for tops"), notASuite.toString());

        Cli.Result both = cli.run("hospital-a", "predict", "--model", model.toString(), "--branch", branch, "--task", "tops", png.toString());
        assertEquals(2, both.exit(), both.toString());
        assertTrue(both.err().contains("say which model: --model FILE, or --branch B --version V"), both.toString());
    }
}
