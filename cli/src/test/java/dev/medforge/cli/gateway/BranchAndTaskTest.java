package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.ServiceIdentity;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.store.PipelineFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What an operator and a contributor set up before anyone submits: a branch on a base model, and tasks. */
@ExtendWith(GatewayStack.class)
class BranchAndTaskTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(dir.resolve("config"), GatewayStack.gatewayUrl());
    }

    @Test
    void theOperatorCreatesABranchWhoseBaseWeightsLandInTheStoreByDigest() throws Exception {
        Path base = dir.resolve("base");
        PipelineFixtures.BASE.save(base);
        String branch = newBranchId();
        assertEquals(0, cli.login("ops").exit());
        Cli.Result created = cli.run("ops", "branch", "create", "--branch", branch, "--base", base.toString(),
                "--strategy", "mixture", "--max-regression", "0.05", "--max-membership-auc", "0.55", "--min-nearest-real-ratio", "0.8",
                "--max-distilled-per-class", "20", "--require-privacy-audit", "true");
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.err().contains("base weights 100%"), created.toString());

        String digest = "sha256:" + PipelineFixtures.BASE.digest();
        assertArrayEquals(Files.readAllBytes(base.resolve(BaseModel.WEIGHTS_FILE)),
                GatewayStack.store().getBytes(ArtifactDigest.parse(digest)));
        JsonNode registered = registry("/internal/branches/" + branch);
        assertEquals(digest, registered.path("baseModelDigest").asText());
        assertEquals(PipelineFixtures.BASE.config().id(), registered.path("baseModel").asText());
        // The registry keeps the architecture first registered for these weights; one written before ml-core spelt out its
        // conventions means the same model, so the test compares meaning, not text.
        assertEquals(VitConfig.read(base.resolve(BaseModel.ARCHITECTURE_FILE)), VitConfig.parse(registered.path("baseModelArchitecture").asText()));
        assertEquals("mixture", registered.at("/policy/strategy").asText());
        assertEquals(0.05, registered.at("/policy/maxRegression").asDouble(), 1e-9);
        assertEquals(0.55, registered.at("/policy/maxMembershipAuc").asDouble(), 1e-9);
        assertEquals(0.8, registered.at("/policy/minNearestRealRatio").asDouble(), 1e-9);
        assertEquals(20, registered.at("/policy/maxDistilledPerClass").asInt());
        assertTrue(registered.at("/policy/privacyAuditRequired").asBoolean());

        Cli.Result list = cli.run("ops", "branch", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains(branch), list.toString());

        Cli.Result again = cli.run("ops", "branch", "create", "--branch", branch, "--base", base.toString());
        assertEquals(4, again.exit(), again.toString());
        assertTrue(again.err().contains("HTTP 409"), again.toString());
    }

    @Test
    void aViewerMayNotCreateABranchAndAWrongBaseDirectoryIsAUsageError() throws Exception {
        Path base = dir.resolve("base");
        PipelineFixtures.BASE.save(base);
        assertEquals(0, cli.login("viewer").exit());
        Cli.Result refused = cli.run("viewer", "branch", "create", "--branch", newBranchId(), "--base", base.toString());
        assertEquals(3, refused.exit(), refused.toString());
        assertTrue(refused.err().contains("HTTP 403"), refused.toString());

        Cli.Result wrongDir = cli.run("viewer", "branch", "create", "--branch", newBranchId(), "--base", dir.resolve("nothing").toString());
        assertEquals(2, wrongDir.exit(), wrongDir.toString());
    }

    /** Issue 13: {@code branch policy} changes only the fields given; the rest of the policy keeps its value. */
    @Test
    void theOperatorChangesSomePolicyFieldsAndTheOthersKeepTheirValues() throws Exception {
        String branch = PipelineFixtures.newBranch(GatewayStack.store(), GatewayStack.registryUrl());
        JsonNode before = registry("/internal/branches/" + branch).path("policy");
        assertEquals(0, cli.login("ops").exit());

        Cli.Result changed = cli.run("ops", "branch", "policy", "--branch", branch, "--max-membership-auc", "0.6",
                "--max-distilled-per-class", "12", "--require-privacy-audit", "false");
        assertEquals(0, changed.exit(), changed.toString());
        assertTrue(changed.out().contains("maxMembershipAuc") && changed.out().contains("0.6"), changed.toString());
        JsonNode after = registry("/internal/branches/" + branch).path("policy");
        assertEquals(0.6, after.path("maxMembershipAuc").asDouble(), 1e-9);
        assertEquals(12, after.path("maxDistilledPerClass").asInt());
        assertTrue(after.path("privacyAuditRequired").isBoolean() && !after.path("privacyAuditRequired").asBoolean(), after.toString());
        for (String kept : List.of("strategy", "maxRegression", "maxNewTaskGap", "minNearestRealRatio")) {
            assertEquals(before.path(kept), after.path(kept), kept + " was not given and must keep its value");
        }

        Cli.Result nothing = cli.run("ops", "branch", "policy", "--branch", branch);
        assertEquals(2, nothing.exit(), nothing.toString());
        assertTrue(nothing.err().contains("at least one policy option"), nothing.toString());

        // Issue 15: --reset sends a merge patch with nulls, which put the fields back to the registry's defaults.
        Cli.Result reset = cli.run("ops", "branch", "policy", "--branch", branch, "--reset", "max-membership-auc,max-distilled-per-class");
        assertEquals(0, reset.exit(), reset.toString());
        JsonNode back = registry("/internal/branches/" + branch).path("policy");
        assertEquals(before.path("maxMembershipAuc"), back.path("maxMembershipAuc"), back.toString());
        assertEquals(before.path("maxDistilledPerClass"), back.path("maxDistilledPerClass"), back.toString());
        assertFalse(back.path("privacyAuditRequired").asBoolean(), "a field not reset keeps its changed value: " + back);
        Cli.Result unknown = cli.run("ops", "branch", "policy", "--branch", branch, "--reset", "max-regresion");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("--reset takes policy options by name") && unknown.err().contains("max-regression"),
                unknown.toString());
        Cli.Result both = cli.run("ops", "branch", "policy", "--branch", branch, "--max-regression", "0.1", "--reset", "max-regression");
        assertEquals(2, both.exit(), both.toString());

        assertEquals(0, cli.login("viewer").exit());
        Cli.Result viewer = cli.run("viewer", "branch", "policy", "--branch", branch, "--max-membership-auc", "0.9");
        assertEquals(3, viewer.exit(), viewer.toString());
        assertEquals(before.path("maxMembershipAuc"), registry("/internal/branches/" + branch).at("/policy/maxMembershipAuc"));
    }

    /** Issue 14: {@code --from B@V} forks a published version; a malformed one is a usage error naming the option. */
    @Test
    void theOperatorForksAPublishedVersionAndAMalformedFromIsAUsageError() throws Exception {
        String source = PipelineFixtures.newBranch(GatewayStack.store(), GatewayStack.registryUrl());
        String artifact = GatewayStack.store().put(("composite of " + source).getBytes(StandardCharsets.UTF_8)).toString();
        String submission = "sub-" + UUID.randomUUID();
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("cli-test", new CompositeEvaluated("c-" + UUID.randomUUID(),
                source, 0, "fusion", artifact, List.of(new AdapterRef(submission, "hospital-a", "tops", artifact, artifact, artifact)),
                Map.of(submission, 1.0), Map.of("tops", new TaskMetrics(0.91, 0.97, 100)), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()))));
        long deadline = System.currentTimeMillis() + 90_000;
        while (registry("/internal/branches/" + source).path("headVersion").asInt() < 1) {
            assertTrue(System.currentTimeMillis() < deadline, "version 1 of " + source + " not published in 90 s");
            Thread.sleep(200);
        }
        assertEquals(0, cli.login("ops").exit());

        String fork = newBranchId();
        Cli.Result forked = cli.run("ops", "branch", "create", "--branch", fork, "--from", source + "@1", "--max-regression", "0.5");
        assertEquals(0, forked.exit(), forked.toString());
        assertEquals("created branch " + fork + " as a fork of " + source + "@1: head v1, strategy fusion", forked.line());
        JsonNode registered = registry("/internal/branches/" + fork);
        assertEquals(source, registered.at("/forkedFrom/branch").asText());
        assertEquals(0.5, registered.at("/policy/maxRegression").asDouble(), 1e-9);
        assertEquals(artifact, registry("/internal/branches/" + fork + "/versions/1").path("artifact").asText());
        assertEquals("hospital-a", task(fork, "tops").path("institution").asText());
        Cli.Result list = cli.run("ops", "branch", "list");
        assertTrue(list.out().contains("forked from " + source + "@1"), list.toString());
        // Issue 15: -o json is --json, -o table the text; anything else is a usage error naming the option.
        JsonNode listed = JSON.readTree(cli.run("ops", "branch", "list", "-o", "json").out());
        assertTrue(listed.isArray() && listed.findValuesAsText("id").contains(fork), listed.toString());
        assertEquals(list.out(), cli.run("ops", "branch", "list", "--json", "-o", "table").out());
        Cli.Result yaml = cli.run("ops", "branch", "list", "-o", "yaml");
        assertEquals(2, yaml.exit(), yaml.toString());
        assertTrue(yaml.err().contains("-o/--output takes json or table (got 'yaml')"), yaml.toString());

        for (String malformed : List.of(source, source + "@", "@1", source + "@0", source + "@two")) {
            Cli.Result refused = cli.run("ops", "branch", "create", "--branch", newBranchId(), "--from", malformed);
            assertEquals(2, refused.exit(), refused.toString());
            assertTrue(refused.err().contains("--from") && refused.err().contains("BRANCH@VERSION"), refused.toString());
        }
        Cli.Result unknown = cli.run("ops", "branch", "create", "--branch", newBranchId(), "--from", source + "@9");
        assertEquals(4, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("HTTP 422") && unknown.err().contains("UNKNOWN_VERSION fromVersion"), unknown.toString());
        Path base = dir.resolve("base");
        PipelineFixtures.BASE.save(base);
        Cli.Result both = cli.run("ops", "branch", "create", "--branch", newBranchId(), "--from", source + "@1", "--base", base.toString());
        assertEquals(2, both.exit(), both.toString());
    }

    @Test
    void contributorsRegisterTheirTasksWithSuitesAndOnlyForThemselves() throws Exception {
        String branch = PipelineFixtures.newBranch(GatewayStack.store(), GatewayStack.registryUrl());
        Path suite = dir.resolve("suites/footwear.safetensors");
        Cli.Result written = Cli.raw("task", "suite", "--scenario", "fashion3", "--institution", "hospital-b", "--out", suite.toString());
        assertEquals(0, written.exit(), written.toString());
        assertEquals("Sandal,Sneaker,Ankle boot", written.line());
        LabeledImages images = DistilledSetIO.read(suite, 3, 28, 28);
        assertEquals(2000, images.size());

        assertEquals(0, cli.login("hospital-b").exit());
        Cli.Result registered = cli.run("hospital-b", "task", "register", "--branch", branch, "--name", "footwear",
                "--classes", written.line(), "--suite", suite.toString());
        assertEquals(0, registered.exit(), registered.toString());
        JsonNode footwear = task(branch, "footwear");
        assertEquals("hospital-b", footwear.path("institution").asText());
        assertEquals("[\"Sandal\",\"Sneaker\",\"Ankle boot\"]", footwear.path("classNames").toString());
        assertArrayEquals(Files.readAllBytes(suite),
                GatewayStack.store().getBytes(ArtifactDigest.parse(footwear.path("evaluationSuite").asText())));

        // From the scenario directly; naming another institution than the token's is refused.
        Cli.Result mismatch = cli.run("hospital-b", "task", "register", "--branch", branch, "--scenario", "fashion3",
                "--institution", "hospital-c");
        assertEquals(4, mismatch.exit(), mismatch.toString());
        assertTrue(mismatch.err().contains("INSTITUTION_MISMATCH"), mismatch.toString());
        assertEquals(0, cli.login("hospital-c").exit());
        Cli.Result garments = cli.run("hospital-c", "task", "register", "--branch", branch, "--scenario", "fashion3",
                "--institution", "hospital-c", "--json");
        assertEquals(0, garments.exit(), garments.toString());
        assertEquals("garments", JSON.readTree(garments.out()).path("name").asText());
        assertEquals("hospital-c", task(branch, "garments").path("institution").asText());

        Cli.Result both = cli.run("hospital-c", "task", "register", "--branch", branch, "--scenario", "fashion3",
                "--institution", "hospital-c", "--name", "x");
        assertEquals(2, both.exit(), both.toString());
    }

    private static String newBranchId() {
        return "cli-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode task(String branch, String name) throws Exception {
        for (JsonNode task : registry("/internal/branches/" + branch + "/tasks")) {
            if (task.path("name").asText().equals(name)) {
                return task;
            }
        }
        throw new AssertionError("no task " + name + " on " + branch);
    }

    /** The registry's internal API, to check what the gateway recorded without going through the CLI under test. */
    private static JsonNode registry(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(GatewayStack.registryUrl() + path))
                        .header("Authorization", ServiceIdentity.GATEWAY.bearer()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
