package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.data.Scenario;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The load benchmark's arithmetic: what it reports must follow from the histories, cards and metrics it read. */
class LoadReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode status(String stage, String receivedAt, String finalAt) throws Exception {
        return JSON.readTree("""
                {"stage": "%s", "history": [
                  {"stage": "RECEIVED",  "at": "%s"},
                  {"stage": "VALIDATED", "at": "%s"},
                  {"stage": "%s", "at": "%s"}]}
                """.formatted(stage, receivedAt, receivedAt, stage, finalAt));
    }

    /** A version's card; a member written {@code submission/task} serves that task, otherwise one of its own. */
    private static JsonNode card(int version, String publishedAt, Long mergeMillis, List<String> members, List<String> added) {
        ObjectNode card = JSON.createObjectNode().put("version", version).put("publishedAt", publishedAt);
        members.forEach(member -> {
            String[] idAndTask = (member.contains("/") ? member : member + "/task-of-" + member).split("/");
            card.withArray("adapters").addObject().put("submissionId", idAndTask[0]).put("task", idAndTask[1]);
        });
        added.forEach(card.withArray("added")::add);
        if (mergeMillis != null) {
            card.putObject("work").put("mergeMillis", mergeMillis).put("evaluationMillis", 2 * mergeMillis);
        }
        return card;
    }

    private final List<HttpServer> services = new ArrayList<>();

    /** A stand-in service: its {@code /q/metrics} answers with the text {@code metrics} holds at the time, or 503 while that is null. */
    private URI service(AtomicReference<String> metrics) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/metrics", exchange -> {
            String text = metrics.get();
            byte[] body = text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(text == null ? 503 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        services.add(server);
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stopServices() {
        services.forEach(server -> server.stop(0));
    }

    private static final String METRICS_BEFORE = """
            # TYPE medforge_registry_decisions_total counter
            medforge_registry_decisions_total{decision="published"} 4.0
            medforge_registry_decisions_total{decision="rebase"} 1.0
            medforge_queue_wait_seconds_count{topic="medforge.adapter.validated"} 10.0
            medforge_queue_wait_seconds_sum{topic="medforge.adapter.validated"} 5.0
            medforge_eval_duration_seconds_count 2.0
            medforge_eval_duration_seconds_sum 3.0
            medforge_eval_forward_seconds_sum 2.0
            medforge_eval_images_total 4000.0
            """;
    // Two merge workers answer for the same topic: their samples add up.
    private static final String METRICS_AFTER = """
            medforge_registry_decisions_total{decision="published"} 6.0
            medforge_registry_decisions_total{decision="rebase"} 4.0
            medforge_registry_decisions_total{decision="split"} 1.0
            medforge_queue_wait_seconds_count{topic="medforge.adapter.validated"} 12.0
            medforge_queue_wait_seconds_sum{topic="medforge.adapter.validated"} 6.0
            medforge_queue_wait_seconds_count{topic="medforge.adapter.validated"} 2.0
            medforge_queue_wait_seconds_sum{topic="medforge.adapter.validated"} 3.0
            medforge_jvm_something NaN
            medforge_eval_duration_seconds_count 5.0
            medforge_eval_duration_seconds_sum 6.0
            medforge_eval_forward_seconds_sum 4.5
            medforge_eval_images_total 10000.0
            """;

    @Test
    void latencyThroughputDecisionsAndVersionsFollowFromWhatWasRead(@TempDir Path dir) throws Exception {
        List<LoadReport.Sent> sent = List.of(
                new LoadReport.Sent("loadtest-01", "b", "s1", 0.0, status("PUBLISHED", "2026-12-05T10:00:00Z", "2026-12-05T10:00:10Z")),
                new LoadReport.Sent("loadtest-02", "b", "s2", 20.0, status("PUBLISHED", "2026-12-05T10:00:20Z", "2026-12-05T10:00:40Z")),
                new LoadReport.Sent("loadtest-03", "b", "s3", 40.0, status("GATED_OUT", "2026-12-05T10:00:40Z", "2026-12-05T10:01:10Z")),
                new LoadReport.Sent("loadtest-04", "b", "s4", 60.0, status("MERGED", "2026-12-05T10:01:00Z", "2026-12-05T10:01:05Z")));
        List<LoadReport.Version> versions = List.of(
                new LoadReport.Version("b", card(1, "2026-12-05T10:00:10Z", 1000L, List.of("s1"), List.of("s1"))),
                new LoadReport.Version("b", card(2, "2026-12-05T10:01:00Z", null, List.of("s1", "s2"), List.of("s2"))));

        AtomicReference<String> metrics = new AtomicReference<>(METRICS_BEFORE);
        URI registry = service(metrics);
        ServiceMetrics before = ServiceMetrics.scrape(List.of(registry));
        metrics.set(METRICS_AFTER);
        LoadReport report = new LoadReport(JSON.createObjectNode().put("institutions", 4), sent, versions,
                before, ServiceMetrics.scrape(List.of(registry)), new LoadReport.Floor(new ForwardFloor(4096, 5, 4000), "PASSIVE"),
                new LoadReport.Floor(new ForwardFloor(4096, 5, 6000), "default"));
        JsonNode json = report.json();

        assertEquals(4, json.path("submissions").asInt());
        assertEquals(3, json.path("final").asInt(), "MERGED is not final");
        assertEquals(2, json.path("outcomes").path("PUBLISHED").asInt());
        // Final latencies 10, 20 and 30 s; nearest rank: p50 is the 2nd, p95 the 3rd.
        assertEquals(20.0, json.path("latencySeconds").path("p50").asDouble());
        assertEquals(30.0, json.path("latencySeconds").path("p95").asDouble());
        assertEquals(30.0, json.path("latencySeconds").path("max").asDouble());
        // Two versions from the first receipt (10:00:00) to the last publication (10:01:00).
        assertEquals(2.0, json.path("versionsPerMinute").asDouble(), 1e-9);
        assertEquals(3, json.path("registryDecisions").path("rebase").asInt());
        assertEquals(3, json.path("rebases").asInt());
        assertEquals("[\"" + registry + "\"]", json.path("metricsFrom").toString());
        assertEquals(1, json.path("splitGroups").asInt());
        // (12 + 2) - 10 waits, taking (6 + 3) - 5 seconds.
        assertEquals(4, json.path("queueWaitSeconds").path("medforge.adapter.validated").path("count").asInt());
        assertEquals(1.0, json.path("queueWaitSeconds").path("medforge.adapter.validated").path("mean").asDouble(), 1e-9);
        // 3 evaluations took 6 - 3 = 3 s for 6,000 images; at 4,000 images/s the floor is 1.5 s.
        JsonNode evaluation = json.path("evaluation");
        assertEquals(3, evaluation.path("evaluations").asInt());
        assertEquals(6000, evaluation.path("images").asLong());
        assertEquals(1.5, evaluation.path("floorSeconds").asDouble(), 1e-9);
        assertEquals(2.0, evaluation.path("ratioToFloor").asDouble(), 1e-9);
        assertEquals(2.5 / 1.5, evaluation.path("scoringRatioToFloor").asDouble(), 1e-3);
        assertEquals(4000.0, evaluation.path("floor").path("imagesPerSecond").asDouble());
        assertEquals("PASSIVE", evaluation.path("floor").path("ompWaitPolicy").asText());
        // The same 3 s against the faster floor that libgomp's spinning wait gives: 6,000 images at 6,000 images/s.
        assertEquals("default", evaluation.path("floorDefaultPolicy").path("ompWaitPolicy").asText());
        assertEquals(3.0, evaluation.path("ratioToFloorDefaultPolicy").asDouble(), 1e-9);
        assertEquals(1.0, json.path("versions").get(0).path("mergeSeconds").asDouble());
        assertEquals(2.0, json.path("versions").get(0).path("evalSeconds").asDouble());
        assertTrue(json.path("versions").get(1).path("mergeSeconds").isNull(), "a version without work time says so");
        assertEquals(2, json.path("versions").get(1).path("adapters").asInt());
        assertEquals(2, json.path("perSubmission").get(1).path("version").asInt());
        assertTrue(json.path("perSubmission").get(2).path("version").isNull());
        assertEquals(2, json.path("versions").get(1).path("tasks").asInt());
        assertEquals("[]", json.path("costGrowth").toString(), "version 2 has no work time: no growth to report");

        report.writeJson(dir.resolve("report.json"));
        report.writePlot(dir.resolve("plot.svg"));
        assertEquals(json.toString(), JSON.readTree(dir.resolve("report.json").toFile()).toString());
        String svg = Files.readString(dir.resolve("plot.svg"));
        assertTrue(svg.startsWith("<svg") && svg.contains("<polyline") && svg.split("<circle", -1).length - 1 >= 3, svg);
    }

    @Test
    void costGrowthHoldsEachBranchsLastVersionAgainstItsVersion2WithTheTasksEachServes() throws IOException {
        List<LoadReport.Version> versions = List.of(
                new LoadReport.Version("b", card(1, "2026-12-05T10:00:10Z", 500L, List.of("s1/tops"), List.of("s1"))),
                new LoadReport.Version("b", card(2, "2026-12-05T10:00:40Z", 1000L, List.of("s1/tops", "s2/shoes"), List.of("s2"))),
                // A second round of tops: the lineage grows by one, the tasks do not.
                new LoadReport.Version("b", card(3, "2026-12-05T10:01:10Z", 1500L, List.of("s1/tops", "s2/shoes", "s3/tops"), List.of("s3"))),
                new LoadReport.Version("lone", card(1, "2026-12-05T10:00:10Z", 500L, List.of("s4"), List.of("s4"))));
        ServiceMetrics none = ServiceMetrics.scrape(List.of());
        JsonNode json = new LoadReport(JSON.createObjectNode(), List.of(), versions, none, none, null, null).json();

        assertEquals(1, json.path("costGrowth").size(), "a branch without a version 2 has no growth: " + json.path("costGrowth"));
        JsonNode growth = json.path("costGrowth").get(0);
        assertEquals("b", growth.path("branch").asText());
        assertEquals(3, growth.path("toVersion").asInt());
        assertEquals(2, growth.path("fromTasks").asInt());
        assertEquals(2, growth.path("toTasks").asInt());
        // Merge + evaluation: 1 + 2 = 3 s at version 2, 1.5 + 3 = 4.5 s at version 3.
        assertEquals(3.0, growth.path("fromWorkSeconds").asDouble(), 1e-9);
        assertEquals(4.5, growth.path("toWorkSeconds").asDouble(), 1e-9);
        assertEquals(1.5, growth.path("ratio").asDouble(), 1e-9);
        assertEquals(List.of(1L, 2L, 2L, 1L), java.util.stream.StreamSupport.stream(json.path("versions").spliterator(), false)
                .map(v -> v.path("tasks").asLong()).toList());
    }

    @Test
    void aServiceThatDidNotAnswerAfterTheRunGivesNoFiguresRatherThanWrongOnes() throws IOException {
        AtomicReference<String> registryMetrics = new AtomicReference<>(METRICS_BEFORE);
        URI registry = service(registryMetrics);
        URI merge = service(new AtomicReference<>(METRICS_BEFORE));
        ServiceMetrics before = ServiceMetrics.scrape(List.of(registry, merge));
        assertEquals(Set.of(registry, merge), before.answered());
        registryMetrics.set(null);
        services.get(1).stop(0);

        ServiceMetrics after = ServiceMetrics.scrape(List.of(registry, merge), Duration.ofMillis(10));
        LoadReport report = new LoadReport(JSON.createObjectNode(), List.of(), List.of(), before, after,
                new LoadReport.Floor(new ForwardFloor(4096, 5, 4000), "PASSIVE"), null);

        assertEquals(Set.of(), after.answered(), "a 503 and a refused connection are both no answer");
        assertEquals("HTTP 503", after.unanswered().get(registry));
        assertTrue(after.unanswered().get(merge).startsWith("ConnectException"), after.unanswered().toString());
        assertEquals("[]", report.json().path("metricsFrom").toString());
        assertEquals("{}", report.json().path("registryDecisions").toString());
        assertEquals(0, report.json().path("rebases").asInt());
        assertTrue(report.json().path("evaluation").path("ratioToFloor").isMissingNode(), "no images scored that anyone saw: no ratio");
    }

    @Test
    void aServiceThatFailsOneScrapeIsTriedAgain() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/metrics", exchange -> {
            // Busy for the first request only, as a service in the middle of its warm-up might be.
            byte[] body = requests.incrementAndGet() == 1 ? new byte[0] : METRICS_BEFORE.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body.length == 0 ? 503 : 200, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        services.add(server);
        URI eval = URI.create("http://127.0.0.1:" + server.getAddress().getPort());

        ServiceMetrics read = ServiceMetrics.scrape(List.of(eval), Duration.ofMillis(10));

        assertEquals(Set.of(eval), read.answered());
        assertEquals(Map.of(), read.unanswered());
        assertEquals(2, requests.get());
        assertEquals(4000.0, ServiceMetrics.scrape(List.of()).increase(read, "medforge_eval_images_total"), 1e-9);
    }

    @Test
    void aVersionThatLosesAnEarlierSubmissionIsAGap() {
        List<LoadReport.Version> versions = List.of(
                new LoadReport.Version("b", card(1, "2026-12-05T10:00:10Z", 1L, List.of("s1"), List.of("s1"))),
                new LoadReport.Version("b", card(2, "2026-12-05T10:00:20Z", 1L, List.of("s1", "s2"), List.of("s2"))),
                new LoadReport.Version("b", card(3, "2026-12-05T10:00:30Z", 1L, List.of("s2", "s3"), List.of("s3"))),
                new LoadReport.Version("c", card(1, "2026-12-05T10:00:30Z", 1L, List.of("s4"), List.of("s4"))));

        List<String> gaps = LoadtestCommand.lineageGaps(versions);

        assertEquals(List.of("b version 3 does not hold [s1] of the version before it"), gaps);
        assertEquals(List.of(), LoadtestCommand.lineageGaps(versions.subList(0, 2)));
    }

    @Test
    void twentyInstitutionsHoldTwentyDifferentPairsOfClasses() {
        Scenario scenario = LoadScenario.of(20, 2000, 500);

        Set<Set<Integer>> pairs = new HashSet<>();
        scenario.institutions().forEach(i -> pairs.add(Set.copyOf(i.classes())));
        assertEquals(20, pairs.size());
        assertTrue(pairs.stream().allMatch(p -> p.size() == 2), "two distinct classes each");
        assertEquals("loadtest-01", scenario.arrivalOrder().get(0));
        assertEquals("loadtest-20", scenario.arrivalOrder().get(19));
    }

    @Test
    void percentilesAreNearestRank() {
        List<Double> twenty = java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> (double) i).toList();
        assertEquals(10.0, LoadReport.percentile(twenty, 50));
        assertEquals(19.0, LoadReport.percentile(twenty, 95));
        assertEquals(7.0, LoadReport.percentile(List.of(7.0), 95));
    }
}
