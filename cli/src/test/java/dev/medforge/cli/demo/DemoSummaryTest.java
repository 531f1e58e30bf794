package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DemoSummaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A fallback branch: fusion fails the gate, the mixture of the same adapters passes. */
    private static final String FALLBACK_HISTORY = """
            {"stage": "PUBLISHED", "history": [
              {"stage": "RECEIVED",  "at": "2026-11-28T04:00:00.000Z"},
              {"stage": "VALIDATED", "at": "2026-11-28T04:00:00.500Z"},
              {"stage": "MERGED",    "at": "2026-11-28T04:00:03.000Z"},
              {"stage": "EVALUATED", "at": "2026-11-28T04:00:07.000Z", "detail": "fusion failed the gate"},
              {"stage": "MERGED",    "at": "2026-11-28T04:00:11.000Z"},
              {"stage": "EVALUATED", "at": "2026-11-28T04:00:16.000Z"},
              {"stage": "PUBLISHED", "at": "2026-11-28T04:00:16.250Z"}]}
            """;

    @Test
    void eachIntervalCountsForTheStageItEndsAndRetriesAddUp() throws Exception {
        JsonNode status = JSON.readTree(FALLBACK_HISTORY);

        Map<String, Double> stages = DemoSummary.stageSeconds(status);

        assertEquals(0.5, stages.get("validation"), 1e-9);
        assertEquals(2.5 + 4.0, stages.get("merge"), 1e-9);
        assertEquals(4.0 + 5.0, stages.get("evaluation"), 1e-9);
        assertEquals(0.25, stages.get("publish"), 1e-9);
        assertEquals(16.25, DemoSummary.latencySeconds(status), 1e-9);
        assertEquals(DemoSummary.latencySeconds(status), stages.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    @Test
    void aWithdrawnSubmissionCountsTheTimeFromPublicationUntilWithdrawnOnItsOwn() throws Exception {
        JsonNode status = JSON.readTree("""
                {"stage": "WITHDRAWN", "history": [
                  {"stage": "RECEIVED",  "at": "2026-11-28T04:00:00Z"},
                  {"stage": "VALIDATED", "at": "2026-11-28T04:00:01Z"},
                  {"stage": "MERGED",    "at": "2026-11-28T04:00:03Z"},
                  {"stage": "EVALUATED", "at": "2026-11-28T04:00:06Z"},
                  {"stage": "PUBLISHED", "at": "2026-11-28T04:00:06.500Z"},
                  {"stage": "WITHDRAWN", "at": "2026-11-28T04:00:40Z"}]}
                """);

        assertEquals(33.5, DemoSummary.stageSeconds(status).get("until withdrawn"), 1e-9);
        assertEquals(null, DemoSummary.stageSeconds(status).get("other"), "no interval is left unnamed");
    }

    @Test
    void aRejectionIsAllValidation() throws Exception {
        JsonNode status = JSON.readTree("""
                {"stage": "REJECTED", "history": [
                  {"stage": "RECEIVED", "at": "2026-11-28T04:00:00Z"},
                  {"stage": "REJECTED", "at": "2026-11-28T04:00:00.200Z", "detail": "NORM_BOUND encoder.layers.0.self_attn.q_proj"}]}
                """);

        assertEquals(Map.of("validation", 0.2), DemoSummary.stageSeconds(status));
        assertEquals(0.2, DemoSummary.latencySeconds(status), 1e-9);
    }
}
