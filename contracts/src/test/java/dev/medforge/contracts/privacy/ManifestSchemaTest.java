package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Problem.FieldError;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ManifestSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theKnownKeysWithinTheirBoundsPass() throws IOException {
        assertEquals(List.of(), ManifestSchema.check(JSON.readTree(
                "{\"task\":\"tops\",\"institution\":\"hospital-a\",\"description\":\"" + "é".repeat(ManifestSchema.MAX_DESCRIPTION) + "\"}")));
    }

    @Test
    void everyBreachIsNamedAndAnIdentifyingKeyOnlyByPosition() throws IOException {
        List<FieldError> errors = ManifestSchema.check(JSON.readTree("{\"institution\":\"Hospital A\",\"notes\":\"x\","
                + "\"MRN_A1234567\":1,\"description\":\"" + "x".repeat(ManifestSchema.MAX_DESCRIPTION + 1) + "\"}"));

        assertEquals(List.of("manifest.institution", "manifest.notes", "manifest.<key 2>", "manifest.description", "manifest.task"),
                errors.stream().map(FieldError::field).toList());
        errors.forEach(e -> assertEquals(ManifestSchema.RULE, e.code()));
    }

    @Test
    void aManifestThatIsNotAnObjectIsOneBreach() throws IOException {
        assertEquals(List.of(new FieldError(ManifestSchema.RULE, "manifest", "must be a JSON object")),
                ManifestSchema.check(JSON.readTree("[\"tops\"]")));
    }
}
