package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.bench.ForwardFloor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code medforge loadtest} measured: latency from receipt to the final stage (p50, p95,
 * max), versions per minute, the time per stage from the status histories, the queue waits and
 * registry decisions the services counted during the run, and per version its size and its merge
 * and evaluation work time. Written as JSON and as an SVG plot of latency against version number.
 */
final class LoadReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One submission of the run: who sent it where, when after the start, and its status as last read. */
    record Sent(String institution, String branch, String submissionId, double arrivalSeconds, JsonNode status) {
        String stage() {
            return status.path("stage").asText();
        }
    }

    /** A published version's card, with the branch it belongs to. */
    record Version(String branch, JsonNode card) {
        int number() {
            return card.path("version").asInt();
        }

        /** The tasks the version serves: a fused encoder's evaluation scores each one's whole suite. */
        long tasks() {
            Set<String> tasks = new HashSet<>();
            card.path("adapters").forEach(a -> tasks.add(a.path("task").asText()));
            return tasks.size();
        }

        /** Merge and evaluation work time, or null when the card lacks either. */
        Double workSeconds() {
            Double merge = seconds("mergeMillis");
            Double evaluation = seconds("evaluationMillis");
            return merge == null || evaluation == null ? null : merge + evaluation;
        }

        Double seconds(String field) {
            JsonNode millis = card.path("work").path(field);
            return millis.isNumber() ? millis.asDouble() / 1000 : null;
        }
    }

    /**
     * A forward-pass floor and the OpenMP wait policy of the process that measured it ("default":
     * libgomp's own, which spins before it sleeps).
     */
    record Floor(ForwardFloor rate, String ompWaitPolicy) {
    }

    private final ObjectNode root = JSON.createObjectNode();
    private final List<Sent> sent;
    private final List<Version> versions;

    /**
     * @param floor              the bare base model's forward-pass rate measured on this machine after
     *                           the run, in a process with the eval service's OpenMP settings, or null
     *                           when it was not measured; the evaluations' time is held against it
     * @param defaultPolicyFloor the same with libgomp's default wait policy, or null: faster on an idle
     *                           machine, and reported beside it so that the choice of policy shows
     */
    LoadReport(ObjectNode settings, List<Sent> sent, List<Version> versions, ServiceMetrics before, ServiceMetrics after,
               Floor floor, Floor defaultPolicyFloor) {
        this.sent = sent;
        this.versions = versions;
        root.setAll(settings);
        root.put("submissions", sent.size());
        root.put("final", sent.stream().filter(s -> isFinal(s.stage())).count());
        ObjectNode outcomes = root.putObject("outcomes");
        sent.forEach(s -> outcomes.put(s.stage(), outcomes.path(s.stage()).asInt() + 1));
        root.set("latencySeconds", summary(sent.stream().filter(s -> isFinal(s.stage())).map(s -> DemoSummary.latencySeconds(s.status())).toList()));
        root.put("versionsPerMinute", round(versionsPerMinute()));
        ObjectNode stages = root.putObject("stageSeconds");
        Map<String, List<Double>> byStage = new LinkedHashMap<>();
        sent.forEach(s -> DemoSummary.stageSeconds(s.status()).forEach((stage, seconds) ->
                byStage.computeIfAbsent(stage, x -> new ArrayList<>()).add(seconds)));
        byStage.forEach((stage, seconds) -> stages.set(stage, summary(seconds)));
        ObjectNode waits = root.putObject("queueWaitSeconds");
        Map<String, Double> waitSum = before.increase(after, "medforge_queue_wait_seconds_sum", "topic");
        before.increase(after, "medforge_queue_wait_seconds_count", "topic").forEach((topic, count) -> {
            if (count > 0) {
                waits.putObject(topic).put("mean", round(waitSum.getOrDefault(topic, 0.0) / count)).put("count", count.longValue());
            }
        });
        ObjectNode decisions = root.putObject("registryDecisions");
        before.increase(after, "medforge_registry_decisions_total", "decision").forEach((decision, n) -> {
            if (n > 0) {
                decisions.put(decision, n.longValue());
            }
        });
        root.set("evaluation", evaluation(before, after, floor, defaultPolicyFloor));
        root.put("rebases", decisions.path("rebase").asLong());
        root.put("splitGroups", decisions.path("split").asLong());
        ArrayNode from = root.putArray("metricsFrom");
        before.answered().stream().filter(after.answered()::contains).forEach(uri -> from.add(uri.toString()));
        root.set("costGrowth", costGrowth(versions));
        ArrayNode list = root.putArray("versions");
        for (Version v : versions) {
            ObjectNode row = list.addObject().put("branch", v.branch()).put("version", v.number())
                    .put("adapters", v.card().path("adapters").size()).put("added", v.card().path("added").size()).put("tasks", v.tasks());
            row.put("mergeSeconds", v.seconds("mergeMillis"));
            row.put("evalSeconds", v.seconds("evaluationMillis"));
            row.put("publishedAt", v.card().path("publishedAt").asText());
        }
        ArrayNode each = root.putArray("perSubmission");
        for (Sent s : sent) {
            ObjectNode row = each.addObject().put("submission", s.submissionId()).put("institution", s.institution())
                    .put("branch", s.branch()).put("stage", s.stage()).put("arrivalSeconds", round(s.arrivalSeconds()))
                    .put("latencySeconds", round(DemoSummary.latencySeconds(s.status())));
            Integer version = versionOf(s);
            row.put("version", version);
            ObjectNode stageRow = row.putObject("stageSeconds");
            DemoSummary.stageSeconds(s.status()).forEach((stage, seconds) -> stageRow.put(stage, round(seconds)));
        }
    }

    /**
     * Issue 12's "eval within 2x the forward-pass floor": the evaluations' work time (from the eval
     * services' timers, so without queue waits and without the unscored stale composites) against
     * the time the bare base model needs for the images they scored, at the rate the eval service's
     * OpenMP settings allow (docs/decisions.md, "The forward-pass floor is measured as the eval
     * service runs").
     */
    private static ObjectNode evaluation(ServiceMetrics before, ServiceMetrics after, Floor floor, Floor defaultPolicyFloor) {
        ObjectNode e = JSON.createObjectNode();
        double seconds = before.increase(after, "medforge_eval_duration_seconds_sum");
        double scoring = before.increase(after, "medforge_eval_forward_seconds_sum");
        double images = before.increase(after, "medforge_eval_images_total");
        e.put("evaluations", (long) before.increase(after, "medforge_eval_duration_seconds_count"));
        e.put("seconds", round(seconds)).put("scoringSeconds", round(scoring)).put("images", (long) images);
        if (floor != null) {
            e.set("floor", floor(floor));
            if (images > 0) {
                double floorSeconds = floor.rate().seconds(images);
                e.put("floorSeconds", round(floorSeconds)).put("ratioToFloor", round(seconds / floorSeconds))
                        .put("scoringRatioToFloor", round(scoring / floorSeconds));
            }
        }
        if (defaultPolicyFloor != null) {
            e.set("floorDefaultPolicy", floor(defaultPolicyFloor));
            if (images > 0) {
                e.put("ratioToFloorDefaultPolicy", round(seconds / defaultPolicyFloor.rate().seconds(images)));
            }
        }
        return e;
    }

    private static ObjectNode floor(Floor floor) {
        return JSON.createObjectNode().put("imagesPerSecond", round(floor.rate().imagesPerSecond())).put("images", floor.rate().images())
                .put("passes", floor.rate().passes()).put("ompWaitPolicy", floor.ompWaitPolicy());
    }

    static boolean isFinal(String stage) {
        return "PUBLISHED".equals(stage) || "REJECTED".equals(stage) || "GATED_OUT".equals(stage);
    }

    /**
     * Issue 12's "merge + eval work time at version 20 within 1.5x version 2", per branch: the last
     * version's work time against version 2's, with the tasks each serves. The lineage and the tasks
     * grow together when every institution brings a task; {@code --rounds} holds the tasks while the
     * lineage grows (docs/decisions.md, "A fused branch's cost is held flat in its lineage; it grows with its tasks").
     */
    private static ArrayNode costGrowth(List<Version> versions) {
        ArrayNode out = JSON.createArrayNode();
        Map<String, List<Version>> byBranch = new TreeMap<>();
        versions.forEach(v -> byBranch.computeIfAbsent(v.branch(), b -> new ArrayList<>()).add(v));
        byBranch.forEach((branch, list) -> {
            Version second = list.stream().filter(v -> v.number() == 2).findFirst().orElse(null);
            Version last = list.stream().max(Comparator.comparingInt(Version::number)).orElseThrow();
            if (second == null || last == second || second.workSeconds() == null || last.workSeconds() == null) {
                return;
            }
            out.addObject().put("branch", branch).put("fromVersion", 2).put("toVersion", last.number())
                    .put("fromTasks", second.tasks()).put("toTasks", last.tasks())
                    .put("fromWorkSeconds", round(second.workSeconds())).put("toWorkSeconds", round(last.workSeconds()))
                    .put("ratio", round(last.workSeconds() / second.workSeconds()));
        });
        return out;
    }

    JsonNode json() {
        return root;
    }

    /** The version that first holds the submission, or null. */
    private Integer versionOf(Sent s) {
        for (Version v : versions) {
            if (v.branch().equals(s.branch())) {
                for (JsonNode added : v.card().path("added")) {
                    if (added.asText().equals(s.submissionId())) {
                        return v.number();
                    }
                }
            }
        }
        return null;
    }

    /** Versions over the time from the first receipt to the last publication. */
    private double versionsPerMinute() {
        Instant first = sent.stream().map(s -> s.status().path("history").path(0).path("at").asText(""))
                .filter(at -> !at.isEmpty()).map(Instant::parse).min(Instant::compareTo).orElse(null);
        Instant last = versions.stream().map(v -> Instant.parse(v.card().path("publishedAt").asText())).max(Instant::compareTo).orElse(null);
        if (first == null || last == null || !last.isAfter(first)) {
            return 0;
        }
        return versions.size() / (Duration.between(first, last).toMillis() / 60000.0);
    }

    void print(PrintWriter out) {
        JsonNode latency = root.path("latencySeconds");
        out.printf(Locale.ROOT, "%nLoad test: %d submission(s) from %d institution(s) on %d branch(es), %.1f per minute%n",
                root.path("submissions").asInt(), root.path("institutions").asInt(), root.path("branches").size(),
                root.path("ratePerMinute").asDouble());
        out.printf(Locale.ROOT, "  final: %d of %d %s%n", root.path("final").asInt(), root.path("submissions").asInt(), root.path("outcomes"));
        out.printf(Locale.ROOT, "  submit -> final: p50 %.1f s, p95 %.1f s, max %.1f s%n", latency.path("p50").asDouble(),
                latency.path("p95").asDouble(), latency.path("max").asDouble());
        out.printf(Locale.ROOT, "  versions: %d, %.2f per minute; rebases %d, split groups %d%n", versions.size(),
                root.path("versionsPerMinute").asDouble(), root.path("rebases").asLong(), root.path("splitGroups").asLong());
        root.path("stageSeconds").fields().forEachRemaining(e -> out.printf(Locale.ROOT, "  stage %-11s p50 %5.1f s  p95 %5.1f s  max %5.1f s%n",
                e.getKey(), e.getValue().path("p50").asDouble(), e.getValue().path("p95").asDouble(), e.getValue().path("max").asDouble()));
        root.path("queueWaitSeconds").fields().forEachRemaining(e -> out.printf(Locale.ROOT, "  queue wait on %s: mean %.2f s over %d%n",
                e.getKey(), e.getValue().path("mean").asDouble(), e.getValue().path("count").asLong()));
        JsonNode evaluation = root.path("evaluation");
        if (evaluation.has("ratioToFloor")) {
            out.printf(Locale.ROOT, "  evaluation: %d composite(s), %.1f s (%.1f s scoring %d images); forward-pass floor %.0f images/s"
                            + " (OpenMP wait policy %s, as the eval service runs) = %.1f s; %.2fx the floor%n", evaluation.path("evaluations").asLong(), evaluation.path("seconds").asDouble(),
                    evaluation.path("scoringSeconds").asDouble(), evaluation.path("images").asLong(),
                    evaluation.path("floor").path("imagesPerSecond").asDouble(), evaluation.path("floor").path("ompWaitPolicy").asText(),
                    evaluation.path("floorSeconds").asDouble(), evaluation.path("ratioToFloor").asDouble());
            if (evaluation.has("ratioToFloorDefaultPolicy")) {
                out.printf(Locale.ROOT, "  (OpenMP wait policy %s: the floor is %.0f images/s and the evaluation %.2fx it)%n",
                        evaluation.path("floorDefaultPolicy").path("ompWaitPolicy").asText(),
                        evaluation.path("floorDefaultPolicy").path("imagesPerSecond").asDouble(), evaluation.path("ratioToFloorDefaultPolicy").asDouble());
            }
        }
        root.path("costGrowth").forEach(g -> out.printf(Locale.ROOT, "  %s: merge + evaluation %.1f s at version %d (%d tasks) against %.1f s at"
                        + " version 2 (%d tasks): %.2fx%n", g.path("branch").asText(), g.path("toWorkSeconds").asDouble(), g.path("toVersion").asInt(),
                g.path("toTasks").asInt(), g.path("fromWorkSeconds").asDouble(), g.path("fromTasks").asInt(), g.path("ratio").asDouble()));
        out.printf(Locale.ROOT, "%n  %-28s %7s %8s %9s %8s%n", "branch", "version", "adapters", "merge s", "eval s");
        for (Version v : versions) {
            out.printf(Locale.ROOT, "  %-28s %7d %8d %9s %8s%n", v.branch(), v.number(), v.card().path("adapters").size(),
                    format(v.seconds("mergeMillis")), format(v.seconds("evaluationMillis")));
        }
        out.flush();
    }

    void writeJson(Path file) throws IOException {
        write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    /**
     * Latency of each submission (dots) at the version that took it in, and merge plus evaluation
     * work time per version (line), on one axis of seconds: whether cost grows with the lineage
     * shows as a rising line.
     */
    void writePlot(Path file) throws IOException {
        int width = 720;
        int height = 400;
        int left = 60;
        int right = 20;
        int top = 40;
        int bottom = 50;
        int maxVersion = Math.max(1, versions.stream().mapToInt(Version::number).max().orElse(1));
        Map<Integer, Double> work = new TreeMap<>();
        for (Version v : versions) {
            if (v.seconds("mergeMillis") != null && v.seconds("evaluationMillis") != null) {
                work.merge(v.number(), v.seconds("mergeMillis") + v.seconds("evaluationMillis"), Math::max);
            }
        }
        List<double[]> dots = new ArrayList<>();
        for (Sent s : sent) {
            Integer version = versionOf(s);
            if (version != null) {
                dots.add(new double[] {version, DemoSummary.latencySeconds(s.status())});
            }
        }
        double maxSeconds = Math.max(1, Math.max(dots.stream().mapToDouble(d -> d[1]).max().orElse(0),
                work.values().stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        double scaleX = (width - left - right) / (double) Math.max(1, maxVersion);
        double scaleY = (height - top - bottom) / maxSeconds;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
                + " font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\">medforge loadtest: %d submissions, %.1f per minute,"
                + " p95 %.1f s</text>%n", left, sent.size(), root.path("ratePerMinute").asDouble(), root.path("latencySeconds").path("p95").asDouble()));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, height - bottom, width - right, height - bottom));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left, top, left, height - bottom));
        int step = Math.max(1, maxVersion / 10);
        for (int v = step; v <= maxVersion; v += step) {
            double x = left + v * scaleX;
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>%n", x, height - bottom + 16, v));
        }
        for (int i = 0; i <= 5; i++) {
            double seconds = maxSeconds * i / 5;
            double y = height - bottom - seconds * scaleY;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", left - 6, y + 4, seconds));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">version</text>%n", (left + width - right) / 2, height - 12));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">seconds</text>%n",
                (top + height - bottom) / 2, (top + height - bottom) / 2));
        StringBuilder line = new StringBuilder();
        work.forEach((v, seconds) -> line.append(String.format(Locale.ROOT, "%.1f,%.1f ", left + v * scaleX, height - bottom - seconds * scaleY)));
        svg.append("<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"").append(line.toString().strip()).append("\"/>\n");
        for (double[] d : dots) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>%n", left + d[0] * scaleX,
                    height - bottom - d[1] * scaleY));
        }
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"3\" fill=\"#1f77b4\"/><text x=\"%d\" y=\"%d\">submit to final, per"
                + " submission</text>%n", width - 300, top + 4, width - 290, top + 8));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"2\"/><text x=\"%d\""
                + " y=\"%d\">merge + evaluation work, per version</text>%n", width - 305, top + 20, width - 295, top + 20, width - 290, top + 24));
        svg.append("</svg>\n");
        write(file, svg.toString());
    }

    /** Whole or not at all, and readable as any file the user writes (a temporary file would be owner-only). */
    private static void write(Path file, String text) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path tmp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Nearest-rank percentiles: p95 of twenty values is the nineteenth, an observed latency. */
    static ObjectNode summary(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        ObjectNode node = JSON.createObjectNode();
        if (sorted.isEmpty()) {
            return node.putNull("p50").putNull("p95").putNull("max");
        }
        return node.put("p50", round(percentile(sorted, 50))).put("p95", round(percentile(sorted, 95)))
                .put("max", round(sorted.get(sorted.size() - 1)));
    }

    static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static String format(Double seconds) {
        return seconds == null ? "-" : String.format(Locale.ROOT, "%.2f", seconds);
    }
}
