package dev.medforge.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.Notification;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the console's pages are made of, without a browser or a registry. */
class ConsoleServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Caller HOSPITAL_A = new Caller("sub-a", "hospital-a", Optional.of("hospital-a"), Set.of(Caller.CONTRIBUTOR));

    private static Notification status(String eventId, String submission, String institution, SubmissionStatus.Stage stage,
                                       String detail, Instant time) {
        EventEnvelope<SubmissionStatus> e = EventEnvelope.wrap("test", new SubmissionStatus(submission, institution, "b", stage, detail));
        return Notification.ofStatus(new EventEnvelope<>(eventId, e.type(), e.source(), time, e.subject(), e.specversion(), e.dataschema(),
                e.data()));
    }

    @Test
    void aContributorsSubmissionsHoldOnlyItsInstitutionsWithTheirHistoryInOrderNewestSubmissionFirst() {
        NotificationHub hub = new NotificationHub();
        hub.publish(status("1", "s-old", "hospital-a", SubmissionStatus.Stage.RECEIVED, "task tops", Instant.parse("2026-01-01T00:00:01Z")));
        hub.publish(status("2", "s-other", "hospital-b", SubmissionStatus.Stage.RECEIVED, "task footwear", Instant.parse("2026-01-01T00:00:02Z")));
        hub.publish(status("3", "s-new", "hospital-a", SubmissionStatus.Stage.RECEIVED, "task tops", Instant.parse("2026-01-01T00:00:03Z")));
        hub.publish(status("4", "s-old", "hospital-a", SubmissionStatus.Stage.REJECTED, "RANK_LIMIT r=64 exceeds 16",
                Instant.parse("2026-01-01T00:00:04Z")));

        List<ConsoleService.SubmissionRow> rows = new ConsoleService(null, hub, JSON, null, null, null, null, null).submissions(HOSPITAL_A);

        assertEquals(List.of("s-new", "s-old"), rows.stream().map(ConsoleService.SubmissionRow::submissionId).toList());
        ConsoleService.SubmissionRow old = rows.get(1);
        assertEquals("REJECTED", old.stage());
        assertEquals("refused by the checks; it will not be merged", old.meaning());
        assertEquals("RANK_LIMIT r=64 exceeds 16", old.detail());
        assertEquals(List.of("RECEIVED", "REJECTED"), old.history().stream().map(ConsoleService.Step::stage).toList());
    }

    @Test
    void everyStageHasPlainWordsAndThePageGetsThemAsJson() throws Exception {
        JsonNode meanings = JSON.readTree(new ConsoleService(null, new NotificationHub(), JSON, null, null, null, null, null).meanings());
        for (SubmissionStatus.Stage stage : SubmissionStatus.Stage.values()) {
            assertFalse(meanings.path(stage.name()).asText().isBlank(), "no plain words for " + stage);
        }
    }

    @Test
    void aVersionWhoseStrategyIsNotThePolicysIsAFallbackAndItsAddedAdaptersAreNamedByInstitutionAndTask() throws Exception {
        JsonNode branch = JSON.readTree("{\"policy\":{\"strategy\":\"fusion\",\"maxRegression\":2.0}}");
        JsonNode card = JSON.readTree("""
                {"version":2,"strategy":"mixture","publishedAt":"2026-01-01T00:00:00Z",
                 "adapters":[{"submissionId":"a1","institution":"hospital-a","task":"tops"},
                             {"submissionId":"b1","institution":"hospital-b","task":"footwear"}],
                 "added":["b1"],
                 "withdrawn":[{"institution":"hospital-c","task":"garments"}]}""");

        ConsoleService.LineageNode node = ConsoleService.lineage(1, branch, card);

        assertTrue(node.fallback());
        assertEquals(List.of("hospital-b · footwear"), node.added());
        assertEquals(List.of("hospital-c · garments"), node.withdrawn());
        assertFalse(node.unavailable());
        assertFalse(ConsoleService.lineage(0, branch, JSON.readTree("{\"version\":1,\"strategy\":\"fusion\"}")).fallback());
    }

    @Test
    void theChartHasEachTasksSeriesAlignedToVersionsAndTheGatesLimitBelowTheHead() throws Exception {
        JsonNode branch = JSON.readTree("{\"policy\":{\"strategy\":\"fusion\",\"maxRegression\":2.0}}");
        List<JsonNode> versions = List.of(
                JSON.readTree("{\"version\":1,\"metrics\":{\"tops\":{\"accuracy\":0.91,\"auc\":0.97}}}"),
                JSON.readTree("{\"version\":2,\"metrics\":{\"tops\":{\"accuracy\":0.89,\"auc\":0.96},"
                        + "\"footwear\":{\"accuracy\":0.88,\"auc\":0.95}}}"));

        JsonNode chart = JSON.readTree(new ConsoleService(null, new NotificationHub(), JSON, null, null, null, null, null).chart(branch, versions));

        assertEquals("[1,2]", chart.path("versions").toString());
        assertEquals("[0.91,0.89]", chart.path("tasks").path("tops").path("accuracy").toString());
        // footwear arrived in v2: nothing is drawn for it at v1.
        assertEquals("[null,0.88]", chart.path("tasks").path("footwear").path("accuracy").toString());
        assertEquals(0.87, chart.path("gate").path("tops").asDouble(), 1e-12);
        assertEquals(0.86, chart.path("gate").path("footwear").asDouble(), 1e-12);
    }
}
