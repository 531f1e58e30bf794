package dev.medforge.gateway.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.DecisionView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.Notification;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the console's pages are made of, without a browser or a registry. */
class ConsoleServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
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
        BranchView branch = branch("fusion");
        ModelCard card = JSON.readValue("""
                {"version":2,"strategy":"mixture","publishedAt":"2026-01-01T00:00:00Z",
                 "adapters":[{"submissionId":"a1","institution":"hospital-a","task":"tops"},
                             {"submissionId":"b1","institution":"hospital-b","task":"footwear"}],
                 "added":["b1"],
                 "withdrawn":[{"institution":"hospital-c","task":"garments"}]}""", ModelCard.class);

        ConsoleService.LineageNode node = ConsoleService.lineage(1, branch, card, List.of());

        assertTrue(node.fallback());
        assertEquals(List.of("hospital-b · footwear"), node.added());
        assertEquals(List.of("hospital-c · garments"), node.withdrawn());
        assertFalse(node.unavailable());
        assertFalse(ConsoleService.lineage(0, branch, firstCard(), List.of()).fallback());
    }

    /**
     * Issue 16: under each version, what was decided on the version before it and not published;
     * what was decided on the head waits for the next version after the last node.
     */
    @Test
    void aVersionIsMarkedWithTheUnpublishedDecisionsOnItsParentAndTheHeadsWaitForTheNextVersion() throws Exception {
        BranchView branch = branch("fallback");
        List<DecisionView> decisions = JSON.readValue("""
                [{"parentVersion":0,"decision":"PUBLISHED","tasks":["tops"]},
                 {"parentVersion":1,"decision":"REBASE","tasks":["tops"]},
                 {"parentVersion":1,"decision":"GATED_OUT","tasks":["footwear"],"reasons":"footwear lost 3.1 points against version 1"},
                 {"parentVersion":1,"decision":"REBASE","tasks":["sleeves"]},
                 {"parentVersion":1,"decision":"FALLBACK","tasks":["tops"],"reasons":"tops lost 2.5 points against version 1"},
                 {"parentVersion":1,"decision":"SPLIT","tasks":["tops","footwear"],"reasons":"tops lost 4 points against version 1"},
                 {"parentVersion":1,"decision":"NOT_OWNED","tasks":["tops"]},
                 {"parentVersion":1,"decision":"PUBLISHED","tasks":["sleeves"]},
                 {"parentVersion":2,"decision":"GATED_OUT","tasks":[],"reasons":"tops lost 2.2 points against version 2; sleeves lost 4 points"},
                 {"parentVersion":2,"decision":"REBASE","tasks":["tops"]}]""", new TypeReference<>() { });

        ConsoleService.LineageNode first = ConsoleService.lineage(0, branch, firstCard(), decisions);
        ConsoleService.LineageNode second = ConsoleService.lineage(1, branch, JSON.readValue("""
                {"version":2,"strategy":"fusion","adapters":[{"submissionId":"a2","institution":"hospital-a","task":"tops"},
                 {"submissionId":"b2","institution":"hospital-b","task":"sleeves"},{"submissionId":"c2","institution":"hospital-c","task":"hats"}],
                 "added":["a2","b2","c2"],"withdrawn":[]}""", ModelCard.class), decisions);
        ConsoleService.NextVersion next = ConsoleService.next(2, 2, decisions);

        assertEquals(List.of(), first.marks(), "v1's parent saw only v1 itself published");
        assertEquals(List.of(
                new ConsoleService.Mark("rebase", "2 rebased", List.of()),
                new ConsoleService.Mark("fallback", "1 fell back", List.of()),
                new ConsoleService.Mark("split", "1 split", List.of()),
                new ConsoleService.Mark("not-owned", "1 not owned", List.of()),
                new ConsoleService.Mark("gated-out", "gated out: footwear", List.of("footwear lost 3.1 points", "against version 1"))),
                second.marks());
        assertEquals(3, next.version());
        assertEquals(ConsoleService.LineageNode.x(2), next.x());
        assertEquals(List.of(
                new ConsoleService.Mark("rebase", "1 rebased", List.of()),
                new ConsoleService.Mark("gated-out", "gated out: a withdrawal",
                        List.of("tops lost 2.2 points against", "version 2", "sleeves lost 4 points"))),
                next.marks());
        assertNull(ConsoleService.next(2, 3, decisions), "nothing was decided on v3 yet");

        ConsoleService.BranchPage page = new ConsoleService.BranchPage(Map.of(), List.of(), List.of(first, second), next, null, "{}");
        assertEquals(60 + 3 * 180, page.lineageWidth(), "the next version takes a column of its own");
        assertEquals(100 + 16 * 10, page.lineageHeight(), "v2's three adapters, five marks and two lines of reasons are the longest column");
    }

    @Test
    void gateReasonsWrapBetweenWordsAndAWordLongerThanALineHasOneOfItsOwn() {
        assertEquals(List.of("tops lost", "3.1 points"), ConsoleService.wrap("tops lost 3.1 points", 10));
        assertEquals(List.of("a", "membership-auc", "0.71"), ConsoleService.wrap("a membership-auc 0.71", 10));
        assertEquals(List.of("fits"), ConsoleService.wrap("fits", 10));
    }

    @Test
    void theChartHasEachTasksSeriesAlignedToVersionsAndTheGatesLimitBelowTheHead() throws Exception {
        List<VersionView> versions = List.of(
                JSON.readValue("{\"version\":1,\"metrics\":{\"tops\":{\"accuracy\":0.91,\"auc\":0.97}}}", VersionView.class),
                JSON.readValue("{\"version\":2,\"metrics\":{\"tops\":{\"accuracy\":0.89,\"auc\":0.96},"
                        + "\"footwear\":{\"accuracy\":0.88,\"auc\":0.95}}}", VersionView.class));

        JsonNode chart = JSON.readTree(new ConsoleService(null, new NotificationHub(), JSON, null, null, null, null, null)
                .chart(branch("fusion"), versions));

        assertEquals("[1,2]", chart.path("versions").toString());
        assertEquals("[0.91,0.89]", chart.path("tasks").path("tops").path("accuracy").toString());
        // footwear arrived in v2: nothing is drawn for it at v1.
        assertEquals("[null,0.88]", chart.path("tasks").path("footwear").path("accuracy").toString());
        assertEquals(0.87, chart.path("gate").path("tops").asDouble(), 1e-12);
        assertEquals(0.86, chart.path("gate").path("footwear").asDouble(), 1e-12);
    }

    /** A branch whose policy names {@code strategy} and allows a regression of 2 points. */
    private static BranchView branch(String strategy) throws Exception {
        return JSON.readValue("{\"policy\":{\"strategy\":\"" + strategy + "\",\"maxRegression\":2.0}}", BranchView.class);
    }

    /** Version 1 of a fused branch, with no adapter named: only its place in the lineage matters. */
    private static ModelCard firstCard() throws Exception {
        return JSON.readValue("{\"version\":1,\"strategy\":\"fusion\",\"adapters\":[],\"added\":[],\"withdrawn\":[]}", ModelCard.class);
    }
}
