package dev.medforge.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.ml.merge.MergeStrategies;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --quick benchmark end to end: complete JSON, adapters must matter, the task-conditioned
 * mixture must keep every institution within 2 points of its own adapter, and the distilled sets
 * must be useful, not only close: over a fixed ladder of candidate composites their loss ranks them
 * as the real loss does (Spearman at least 0.5; 0.71, 0.84, 0.91 on the 3 seeds measured).
 */
class BenchQuickTest {

    @Test
    void quickBenchWritesCompleteJsonOracleBeatsBaseHeadOnlyAndMixtureKeepsEveryTask(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("bench.json");
        int code = MedforgeCommand.commandLine().execute("bench", "--scenario", "fashion3", "--quick", "--json", out.toString());
        assertEquals(0, code);
        JsonNode root = new ObjectMapper().readTree(out.toFile());
        assertEquals("fashion3", root.get("scenario").asText());
        assertEquals(1, root.get("seeds").asInt());
        assertTrue(root.at("/machine/cores").asInt() >= 1);
        assertTrue(List.of("cpu", "gpu").contains(root.at("/machine/device").asText()));
        List<String> expected = new ArrayList<>(List.of("base-head-only", "oracle"));
        expected.addAll(MergeStrategies.names());
        expected.add("joint");
        List<String> methods = new ArrayList<>();
        root.get("methods").fieldNames().forEachRemaining(methods::add);
        assertEquals(expected, methods);
        for (String m : expected) {
            JsonNode method = root.get("methods").get(m);
            for (String task : List.of("tops", "footwear", "garments")) {
                JsonNode t = method.at("/tasks/" + task);
                assertTrue(t.get("accuracy").asDouble() >= 0 && t.get("accuracy").asDouble() <= 1, m + "/" + task);
                assertTrue(t.get("auc").isNumber(), m + "/" + task);
                assertEquals(400, t.get("n").asInt(), m + "/" + task);
                assertTrue(t.at("/vsOracle/accuracy").isNumber() && t.at("/vsLinear/accuracy").isNumber(), m + "/" + task);
                assertTrue(t.get("accuracyCi95").isNull(), "one seed has no interval: " + m + "/" + task);
            }
            assertEquals(1, method.get("coefficients").size(), m);
            assertTrue(method.get("proxyLoss").asDouble() > 0 && method.get("realLoss").asDouble() > 0, m);
            assertTrue(method.get("meanAccuracy").isNumber() && method.get("meanAuc").isNumber() && method.get("seconds").asDouble() >= 0);
        }
        assertTrue(root.at("/timings/pretrain").asDouble() > 0);
        for (String inst : List.of("hospital-a", "hospital-b", "hospital-c")) {
            assertTrue(root.at("/timings/train/" + inst).asDouble() > 0);
            assertTrue(root.at("/timings/distill/" + inst).asDouble() > 0);
        }
        double oracle = root.at("/methods/oracle/meanAccuracy").asDouble();
        double headOnly = root.at("/methods/base-head-only/meanAccuracy").asDouble();
        assertTrue(oracle > headOnly, "oracle " + oracle + " must beat base-head-only " + headOnly);
        for (String task : List.of("tops", "footwear", "garments")) {
            double gap = root.at("/methods/mixture/tasks/" + task + "/vsOracle/accuracy").asDouble();
            assertTrue(gap >= -0.02, "mixture loses " + (-gap) + " of " + task + "'s accuracy against its own adapter");
        }
        assertTrue(root.at("/proxyFidelity/perSeed/0").isNumber());
        double candidates = root.at("/proxyFidelity/candidates/perSeed/0").asDouble();
        assertTrue(candidates >= 0.5, "the distilled sets must rank candidate composites as real data does; Spearman " + candidates);
        assertEquals(1, root.get("adapterCosine").size());
    }
}
