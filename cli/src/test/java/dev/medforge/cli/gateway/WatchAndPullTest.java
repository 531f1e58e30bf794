package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.ml.store.PipelineFixtures;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.PrivacyFigures;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Following submissions to their end over SSE, and downloading what was published. The later
 * pipeline stages are played by putting their events on the real broker: the registry and gateway
 * under test react to them exactly as to merge and eval.
 */
class WatchAndPullTest extends BranchWithTopsTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void watchUntilFinalExitsZeroOnPublicationAndPullVerifiesTheVersion() throws Exception {
        String id = submitted(31);
        Cli.Background watch = cli.start("hospital-a", "watch", "--until-final", id, "--timeout", "120");
        watch.awaitErr("connected as hospital-a", WAIT);

        byte[] model = ("composite of " + branch).getBytes(StandardCharsets.UTF_8);
        String artifact = GatewayStack.store().put(model).toString();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("cli-test", new CompositeEvaluated(
                "c-" + UUID.randomUUID(), branch, 0, "mixture", artifact,
                List.of(new AdapterRef(id, "hospital-a", "tops", artifact, artifact, artifact, new PrivacyFigures(0.512, 0.561, 0.013, 0.84))),
                Map.of(id, 0.8), Map.of("tops", Map.of(id, 0.8)), Map.of("tops", new TaskMetrics(0.91, 0.97, 100)), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()))));

        Cli.Result watched = watch.await(WAIT);
        assertEquals(0, watched.exit(), watched.toString());
        assertTrue(watched.out().contains(" submission.status " + id + " PUBLISHED branch=" + branch), watched.toString());

        Cli.Result versions = cli.run("hospital-a", "versions", "--branch", branch);
        assertEquals(0, versions.exit(), versions.toString());
        assertTrue(versions.line().startsWith("v1   mixture"), versions.toString());
        assertTrue(versions.line().endsWith("accuracy tops=0.910"), versions.toString());
        Cli.Result card = cli.run("hospital-a", "card", "--branch", branch, "--version", "1");
        assertEquals(0, card.exit(), card.toString());
        assertTrue(card.out().contains("artifact " + artifact) && card.out().contains("adapter " + id), card.toString());
        assertTrue(card.out().contains("tops         weights  " + id + "=0.800"), "the mixture's row for tops: " + card);
        assertTrue(card.out().contains("privacy distance attack AUC 0.512 (upper 95% 0.561), TPR@1%FPR 0.013; nearest-real ratio min 0.840"),
                "hospital-a's declared privacy figures: " + card);

        Path out = dir.resolve("pulled");
        Cli.Result pulled = cli.run("hospital-a", "pull", "--branch", branch, "--version", "1", "--out", out.toString());
        assertEquals(0, pulled.exit(), pulled.toString());
        Path file = out.resolve(branch + "-v1.safetensors");
        assertEquals(file.toString(), pulled.line());
        assertArrayEquals(model, Files.readAllBytes(file));
        assertEquals(artifact, JSON.readTree(out.resolve("model-card.json").toFile()).path("artifact").asText());
        assertEquals(PipelineFixtures.BASE.reference(), BaseModel.load(out.resolve("base")).reference(), "the base it runs on, verified");
        try (var left = Files.list(out)) {
            assertEquals(3, left.count(), "the artifact, the model card and base/, no partial file");
        }

        Cli.Result missing = cli.run("hospital-a", "pull", "--branch", branch, "--version", "2", "--out", out.toString());
        assertEquals(4, missing.exit(), missing.toString());
    }

    @Test
    void rejectionsAndGatingAreExit4WhetherSeenAsStatusOrAsEventAndATimeoutIsExit5() throws Exception {
        String rejected = submitted(32);
        String gated = submitted(33);
        sendStatus(rejected, Stage.REJECTED, "NORM_BOUND adapter_model: the update norm 41.2 exceeds the bound 10");
        Cli.Result status = await(() -> cli.run("hospital-a", "status", rejected), r -> r.exit() == 4);
        assertTrue(status.out().contains("REJECTED   NORM_BOUND adapter_model: the update norm"), status.toString());

        // Already final before the watch began: found by the status read that follows the subscription.
        Cli.Result already = cli.run("hospital-a", "watch", "--until-final", rejected, "--timeout", "60");
        assertEquals(4, already.exit(), already.toString());

        Cli.Result timedOut = cli.run("hospital-a", "watch", "--until-final", gated, "--timeout", "3");
        assertEquals(5, timedOut.exit(), timedOut.toString());
        assertTrue(timedOut.err().contains("not final yet: " + gated), timedOut.toString());

        Cli.Background watch = cli.start("hospital-a", "watch", "--json", "--until-final", gated, "--timeout", "120");
        watch.awaitErr("connected as hospital-a", WAIT);
        sendStatus(gated, Stage.GATED_OUT, "regression on tops 0.08 > 0.02");
        Cli.Result watched = watch.await(WAIT);
        assertEquals(4, watched.exit(), watched.toString());
        JsonNode last = null;
        for (String line : watched.out().strip().split("\n")) {
            last = JSON.readTree(line);
        }
        assertEquals(gated, last.at("/data/submissionId").asText(), watched.toString());
        assertEquals("GATED_OUT", last.at("/data/stage").asText());

        Cli.Result plain = cli.run("hospital-a", "watch", "--timeout", "2");
        assertEquals(0, plain.exit(), plain.toString());
    }

    private String submitted(long seed) throws Exception {
        Cli.Result submitted = submit(seed, "{\"task\":\"tops\"}");
        assertEquals(0, submitted.exit(), submitted.toString());
        return submitted.line();
    }

    private void sendStatus(String id, Stage stage, String detail) {
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("cli-test", new SubmissionStatus(id, "hospital-a", branch, stage, detail)));
    }
}
