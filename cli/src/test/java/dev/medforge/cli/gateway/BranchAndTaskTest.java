package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.testing.ServiceIdentity;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.store.PipelineFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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
                "--strategy", "mixture", "--max-regression", "0.05");
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.err().contains("base weights 100%"), created.toString());

        String digest = "sha256:" + PipelineFixtures.BASE.digest();
        assertArrayEquals(Files.readAllBytes(base.resolve(BaseModel.WEIGHTS_FILE)),
                GatewayStack.store().getBytes(ArtifactDigest.parse(digest)));
        JsonNode registered = registry("/internal/branches/" + branch);
        assertEquals(digest, registered.path("baseModelDigest").asText());
        assertEquals(PipelineFixtures.BASE.config().id(), registered.path("baseModel").asText());
        assertEquals(Files.readString(base.resolve(BaseModel.ARCHITECTURE_FILE)), registered.path("baseModelArchitecture").asText());
        assertEquals("mixture", registered.at("/policy/strategy").asText());
        assertEquals(0.05, registered.at("/policy/maxRegression").asDouble(), 1e-9);

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
