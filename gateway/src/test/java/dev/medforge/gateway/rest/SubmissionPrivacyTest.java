package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.medforge.gateway.GatewayFixtures.json;
import static dev.medforge.gateway.GatewayFixtures.safetensors;
import static dev.medforge.gateway.GatewayFixtures.submission;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9: the gateway stored a manifest with identifiers and put it on Kafka before ingest scanned
 * it. Now the closed manifest schema and the identifier scan of every part answer 400 naming the rule
 * and the field, and none of the upload's bytes is stored or emitted.
 */
@QuarkusTest
class SubmissionPrivacyTest {

    @Inject
    ArtifactStore store;

    @Test
    void eachIdentifierVariantAndEachSchemaBreachIsRefusedBeforeAnythingIsStoredOrEmitted() throws Exception {
        String branch = GatewayFixtures.newBranch();
        List<Refusal> refusals = List.of(
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"ask ｊ\u200bdoe＠clinic.example.org\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"patient １２３ ４５\u00a06789\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"born on March 3rd 1961\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"MRN is A1234567\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"born on the first of May nineteen eighty\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"patient 4821 excluded\"}")),
                new Refusal("PHI_DETECTED", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"call double five, five oh one, two three four five six\"}")),
                new Refusal("MANIFEST_SCHEMA", "manifest.<key 1>", manifest("{\"task\":\"tops\",\"MRN_A1234567\":true}")),
                new Refusal("MANIFEST_SCHEMA", "manifest.patient", manifest("{\"task\":\"tops\",\"patient\":\"Jane Roe\"}")),
                new Refusal("MANIFEST_SCHEMA", "manifest.description", manifest("{\"task\":\"tops\",\"description\":\"" + "x".repeat(281) + "\"}")),
                new Refusal("MANIFEST_SCHEMA", "manifest.task", manifest("{\"task\":123456789}")),
                new Refusal("PHI_DETECTED", "adapter_config.revision", Map.of("adapter_config",
                        json("{\"r\":8,\"revision\":\"MRN_A1234567\",\"target_modules\":[\"q_proj\"]}"))),
                new Refusal("PHI_DETECTED", "adapter_config.patient", Map.of("adapter_config", json("{\"r\":8,\"patient\":5551234567}"))),
                new Refusal("PHI_DETECTED", "privacy_report.note", Map.of("privacy_report", json("{\"note\":\"DOB: 1961-04-12\"}"))),
                new Refusal("PHI_DETECTED", "adapter_model.__metadata__.format", Map.of("adapter_model",
                        withMetadata("{\"format\":\"pt, call (555) 123-4567\"}"))),
                new Refusal("PHI_UNSCANNABLE", "adapter_model", Map.of("adapter_model", withMetadata("{\"format\":\"pt\"},\"x\":"))));

        try (TopicProbe submitted = TopicProbe.tail(Topics.ADAPTER_SUBMITTED)) {
            int variant = 0;
            for (Refusal refusal : refusals) {
                // A part of its own length in every upload, so that the store can be asked whether it was kept.
                byte[] marker = safetensors(4096 + variant++);
                Map<String, byte[]> parts = new LinkedHashMap<>(Map.of("distilled", marker));
                parts.putAll(refusal.parts());

                submission(KeycloakTokens.userToken("hospital-a"), "tops", parts)
                        .post("/api/v1/branches/{b}/submissions", branch).then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .body("errors.code", hasItem(refusal.rule()))
                        .body("errors.field", hasItem(refusal.field()))
                        .body("errors.message", not(hasItem(containsString("1961"))));
                assertFalse(store.contains(digestOf(marker)), refusal + ": a part of the refused upload was stored");
                for (byte[] part : refusal.parts().values()) {
                    assertFalse(store.contains(digestOf(part)), refusal + ": the refused part was stored");
                }
            }
            Thread.sleep(3_000);
            assertTrue(submitted.seen().stream().noneMatch(r -> branch.equals(r.key())), "a refused upload was emitted");
        }
    }

    @Test
    void aClosedSchemaManifestWithAShortDescriptionIsAccepted() {
        String branch = GatewayFixtures.newBranch();
        submission(KeycloakTokens.userToken("hospital-a"), "tops", manifest(
                "{\"task\":\"tops\",\"institution\":\"hospital-a\",\"description\":\"tops classifier, 3 epochs, lr 0.001, trained 2026-11-27\"}"))
                .post("/api/v1/branches/{b}/submissions", branch).then()
                .statusCode(202)
                .body("submissionId", not(is((Object) null)));
    }

    private record Refusal(String rule, String field, Map<String, byte[]> parts) {
    }

    private static Map<String, byte[]> manifest(String json) {
        return Map.of("manifest", json(json));
    }

    private static byte[] withMetadata(String metadata) {
        byte[] header = ("{\"__metadata__\":" + metadata + ",\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}")
                .getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + header.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header).array();
    }

    private static ArtifactDigest digestOf(byte[] bytes) throws Exception {
        return ArtifactDigest.parse(ArtifactDigest.PREFIX + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }
}
