package dev.medforge.cli.ml;

import static dev.medforge.cli.InProcessCli.medforge;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.InProcessCli;
import dev.medforge.cli.gateway.Digests;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distill} with its audit and {@code privacy audit} with the adapter, on real Fashion-MNIST
 * data at smoke sizes: privacy-report.json gains the attacks under schema 2, the leaky set is
 * caught, and bad input is a usage error that says what to run.
 */
class PrivacyAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void distillAuditsItsSetAndPrivacyAuditAddsTheAdapterAttack(@TempDir Path dir) throws Exception {
        String base = dir.resolve("base").toString();
        String adapter = dir.resolve("adapter").toString();
        String distilled = dir.resolve("distilled").toString();
        List<String> job = List.of("--scenario", "fashion3", "--institution", "hospital-a", "--base", base);
        assertEquals(0, medforge("base", "pretrain", "--scenario", "fashion3", "--out", base, "--epochs", "1").exit());
        assertEquals(0, medforge(concat(List.of("adapter", "train"), job, List.of("--out", adapter, "--epochs", "1"))).exit());

        InProcessCli.Run distill = medforge(concat(List.of("distill"), job, List.of("--out", distilled, "--iterations", "150")));
        assertEquals(0, distill.exit(), distill.err());
        JsonNode report = JSON.readTree(dir.resolve("distilled").resolve("privacy-report.json").toFile());
        assertEquals(2, report.get("schemaVersion").asInt());
        assertEquals(List.of("distance", "featureDistance"), names(report.at("/membershipAudit/attacks")));
        assertTrue(distill.out().contains("leaky set, distance"), distill.out());
        String distilledDigest = Digests.sha256(dir.resolve("distilled").resolve("distilled.safetensors"));
        assertEquals(distilledDigest, report.at("/membershipAudit/distilledDigest").asText(), "the audit names the set it covered");
        assertTrue(report.at("/membershipAudit/adapterDigest").isNull(), "distill audits no adapter");

        InProcessCli.Run audit = medforge(concat(List.of("privacy", "audit"), job, List.of("--out", distilled, "--adapter", adapter, "--candidates", "200")));
        assertEquals(0, audit.exit(), audit.err());
        report = JSON.readTree(dir.resolve("distilled").resolve("privacy-report.json").toFile());
        assertEquals(List.of("distance", "featureDistance", "adapterLoss"), names(report.at("/membershipAudit/attacks")));
        assertEquals(200, report.at("/membershipAudit/candidates").asInt());
        assertEquals(distilledDigest, report.at("/membershipAudit/distilledDigest").asText());
        assertEquals(Digests.sha256(dir.resolve("adapter").resolve("adapter_model.safetensors")),
                report.at("/membershipAudit/adapterDigest").asText(), "the audit names the adapter weights it covered");
        for (JsonNode attack : report.at("/membershipAudit/attacks")) {
            double auc = attack.get("auc").asDouble();
            assertTrue(attack.get("ciLow").asDouble() <= auc && auc <= attack.get("ciHigh").asDouble(), attack.toString());
            assertTrue(attack.get("tprAt1Fpr").asDouble() >= 0 && attack.get("tprAt1Fpr").asDouble() <= 1, attack.toString());
        }
        assertTrue(report.at("/membershipAudit/leaky/distance/auc").asDouble() >= 0.9, "the attack catches real images: " + report);
        assertTrue(report.get("images").size() > 0, "the nearest-real ratios stay");
        assertTrue(audit.out().contains("adapterLoss"), audit.out());
    }

    @Test
    void anAuditWithoutADistilledSetSaysWhatToRunFirst(@TempDir Path dir) {
        InProcessCli.Run run = medforge("privacy", "audit", "--scenario", "fashion3", "--institution", "hospital-a", "--base", dir.resolve("base").toString(),
                "--out", dir.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("has no distilled.safetensors; run 'medforge distill' into it first"), run.err());
        assertEquals("", run.out());
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @SafeVarargs
    private static String[] concat(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toArray(String[]::new);
    }
}
