package dev.medforge.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAboutBlankProblemIsTitledWithTheStatusPhraseAndTheDetailSaysWhatHappened() {
        Problem p = Problem.of(404, "no branch 'x'");
        assertEquals("about:blank", p.type());
        assertEquals("Not Found", p.title());
        assertEquals("no branch 'x'", p.detail());
        assertEquals("Content Too Large", Problem.of(413, "…").title());
        assertEquals("Bad Request", new Problem(null, "Invalid request", 400, "d", null, List.of()).title(), "no type is about:blank");
    }

    @Test
    void fieldErrorsCarryAJsonPointerBesideTheField() {
        assertEquals("/policy/strategy", new Problem.FieldError("C", "policy.strategy", "m").pointer());
        assertEquals("/adapters/2/digest", new Problem.FieldError("C", "adapters[2].digest", "m").pointer());
        assertEquals("/adapter_model", new Problem.FieldError("C", "adapter_model", "m").pointer());
        assertEquals("/a~1b/c~0d", new Problem.FieldError("C", "a/b.c~d", "m").pointer(), "RFC 6901 escapes");
    }

    @Test
    void itRoundTripsThroughJsonWithInstanceAndPointerAndSkipsWhatIsEmpty() throws Exception {
        Problem p = Problem.of(400, "bad", List.of(new Problem.FieldError("OUT_OF_RANGE", "policy.maxGap", "too big")))
                .withInstance("/api/v1/branches/b/policy");
        JsonNode json = JSON.valueToTree(p);
        assertEquals("/api/v1/branches/b/policy", json.path("instance").asText());
        assertEquals("/policy/maxGap", json.path("errors").path(0).path("pointer").asText());
        assertEquals(p, JSON.treeToValue(json, Problem.class), "the pointer is derived, so reading it back is lossless");
        assertFalse(JSON.valueToTree(Problem.of(500, "d")).has("instance"), "no instance until the response filter sets it");
    }
}
