package dev.medforge.ingest.service;

import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.messaging.RetryPolicy;
import dev.medforge.ingest.config.IngestConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntakeServiceTest {

    @TempDir
    Path root;
    FileSystemArtifactStore store;
    IntakeService intake;
    String small;

    @BeforeEach
    void setUp() throws Exception {
        store = new FileSystemArtifactStore(root);
        intake = new IntakeService(store, new IngestConfig() {
            @Override
            public long maxPartBytes() {
                return 100;
            }

            @Override
            public RetryPolicy dependencyRetry() {
                throw new UnsupportedOperationException("retries are the consumer's, not the intake's");
            }
        }, null, null, new PhiCheck(store));
        small = store.put("{\"r\": 8}".getBytes()).toString();
    }

    @Test
    void aSubmissionWithEveryPartStoredAndIntactPasses() {
        assertEquals(List.of(), intake.checkParts(submission(new SubmittedArtifacts(small, small, small, small))));
    }

    @Test
    void everyBrokenPartIsNamedWithItsRule() throws Exception {
        String absent = "sha256:" + "0".repeat(64);
        String large = store.put(new byte[101]).toString();
        String tampered = store.put("original".getBytes()).toString();
        Files.writeString(root.resolve("sha256").resolve(tampered.substring(7, 9)).resolve(tampered.substring(7)), "evil");

        List<RejectionReason> reasons = intake.checkParts(submission(
                new SubmittedArtifacts(absent, large, tampered, "sha256:../../etc/passwd")));

        assertEquals(List.of("ARTIFACT_MISSING", "SIZE_LIMIT", "ARTIFACT_CORRUPTED", "DIGEST_FORMAT"),
                reasons.stream().map(RejectionReason::code).toList());
        assertEquals(List.of("artifacts.adapterConfig", "artifacts.adapterModel", "artifacts.distilled", "artifacts.privacyReport"),
                reasons.stream().map(RejectionReason::field).toList());
        assertTrue(reasons.get(1).message().contains("101 bytes"), reasons.get(1).message());
    }

    @Test
    void aMissingDigestOrArtifactListIsNamed() {
        assertEquals("artifacts", intake.checkParts(submission(null)).get(0).field());
        RejectionReason reason = intake.checkParts(submission(new SubmittedArtifacts(small, small, null, small))).get(0);
        assertEquals("MISSING_FIELD", reason.code());
        assertEquals("artifacts.distilled", reason.field());
    }

    private static AdapterSubmitted submission(SubmittedArtifacts artifacts) {
        return new AdapterSubmitted("s-1", "hospital-a", "main", "tops", artifacts, Map.of());
    }
}
