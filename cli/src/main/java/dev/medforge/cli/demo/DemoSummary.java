package dev.medforge.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.ExitCode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the demo shows at the end: the lineage table (version, adapters, strategy, per-task
 * accuracy and AUC), rejections and gate verdicts, and each submission's latency from receipt to
 * its final stage with the time spent per stage. Read back through the same CLI verbs a subscriber
 * and the submitting institutions would use.
 */
final class DemoSummary {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("PUBLISHED", "REJECTED", "GATED_OUT");

    /** Stage a history entry ends; the time since the previous entry is spent on it. */
    private static final Map<String, String> SPENT_ON = Map.of(
            "VALIDATED", "validation", "REJECTED", "validation",
            "MERGED", "merge", "EVALUATED", "evaluation",
            "PUBLISHED", "publish", "GATED_OUT", "publish",
            // from publication to the version without it: the institution's wait to ask, then the rebuild
            "WITHDRAWN", "until withdrawn");

    private final String branch;
    private final List<JsonNode> cards;
    private final Map<DemoCommand.Submitted, JsonNode> statuses;
    private final JsonNode subscriberChecks;

    private DemoSummary(String branch, List<JsonNode> cards, Map<DemoCommand.Submitted, JsonNode> statuses, JsonNode subscriberChecks) {
        this.branch = branch;
        this.cards = cards;
        this.statuses = statuses;
        this.subscriberChecks = subscriberChecks;
    }

    /** {@code subscriberChecks}: what the subscriber's predict and evaluate found on the head, per task. */
    static DemoSummary collect(CliRunner cli, String subscriber, String branch, List<DemoCommand.Submitted> submitted,
                               JsonNode subscriberChecks) throws IOException {
        List<JsonNode> cards = new ArrayList<>();
        for (JsonNode version : JSON.readTree(cli.run(subscriber, List.of("versions", "--profile", subscriber, "--branch", branch, "--json")))) {
            cards.add(JSON.readTree(cli.run(subscriber, List.of("card", "--profile", subscriber, "--branch", branch,
                    "--version", version.path("version").asText(), "--json"))));
        }
        Map<DemoCommand.Submitted, JsonNode> statuses = new LinkedHashMap<>();
        for (DemoCommand.Submitted s : submitted) {
            // Only the submitting institution may read a submission's history.
            String status = cli.run(s.institution(), List.of("status", "--profile", s.institution(), s.submissionId(), "--json"),
                    null, ExitCode.OK, ExitCode.REJECTED).stdout();
            statuses.put(s, JSON.readTree(status));
        }
        return new DemoSummary(branch, cards, statuses, subscriberChecks);
    }

    void printTable(PrintWriter out, double totalSeconds) {
        Set<String> tasks = new LinkedHashSet<>();
        cards.forEach(card -> card.path("metrics").fieldNames().forEachRemaining(tasks::add));
        out.printf(Locale.ROOT, "%nBranch %s: %d published version(s)%n%n", branch, cards.size());
        Map<JsonNode, String> adapters = new LinkedHashMap<>();
        for (JsonNode card : cards) {
            List<String> members = new ArrayList<>();
            card.path("adapters").forEach(a -> members.add(a.path("institution").asText() + ":" + a.path("task").asText()));
            adapters.put(card, String.join(", ", members));
        }
        String columns = "%-7s %-8s %-" + Math.max(27, adapters.values().stream().mapToInt(String::length).max().orElse(0)) + "s";
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, columns, "version", "strategy", "adapters (institution:task)"));
        tasks.forEach(t -> header.append(String.format(Locale.ROOT, "  %17s", t + " acc/AUC")));
        out.println(header);
        for (JsonNode card : cards) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, columns, card.path("version").asText(),
                    card.path("strategy").asText(), adapters.get(card)));
            for (String task : tasks) {
                JsonNode m = card.path("metrics").path(task);
                row.append(m.isMissingNode() ? String.format(Locale.ROOT, "  %17s", "-")
                        : String.format(Locale.ROOT, "  %8.1f%% / %.3f", 100 * m.path("accuracy").asDouble(), m.path("auc").asDouble()));
            }
            out.println(row);
        }
        out.printf(Locale.ROOT, "%nSubmissions (seconds from receipt: validation, merge, evaluation, publish; each includes its queue wait)%n");
        statuses.forEach((s, status) -> {
            Map<String, Double> stages = stageSeconds(status);
            out.printf(Locale.ROOT, "  %-10s %s %-9s %6.1f s  (%s)%s%n", s.institution(), s.submissionId(),
                    status.path("stage").asText(), latencySeconds(status),
                    String.join(", ", stages.entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).toList()),
                    finalDetail(status).isEmpty() ? "" : "  " + finalDetail(status));
        });
        out.printf(Locale.ROOT, "%nDemo total: %.0f s%n", totalSeconds);
        out.flush();
    }

    void writeJson(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode().put("branch", branch);
        ArrayNode versions = root.putArray("versions");
        for (JsonNode card : cards) {
            ObjectNode v = versions.addObject().put("version", card.path("version").asInt());
            ArrayNode submissions = v.putArray("submissions");
            card.path("adapters").forEach(a -> submissions.add(a.path("submissionId").asText()));
            v.set("institutions", card.path("institutions"));
            v.put("strategy", card.path("strategy").asText());
            ObjectNode tasks = v.putObject("tasks");
            card.path("metrics").fields().forEachRemaining(e -> tasks.putObject(e.getKey())
                    .put("accuracy", e.getValue().path("accuracy").asDouble())
                    .put("auc", e.getValue().path("auc").asDouble()));
            v.put("publishedAt", card.path("publishedAt").asText());
        }
        ArrayNode rejected = root.putArray("rejected");
        ArrayNode gatedOut = root.putArray("gatedOut");
        ObjectNode latency = root.putObject("latencySeconds");
        ObjectNode breakdown = root.putObject("stageSeconds");
        statuses.forEach((s, status) -> {
            String stage = status.path("stage").asText();
            if ("REJECTED".equals(stage)) {
                ArrayNode codes = rejected.addObject().put("submission", s.submissionId()).putArray("codes");
                // The ingest detail is "CODE field, CODE field, ...".
                for (String reason : finalDetail(status).split(", ")) {
                    codes.add(reason.split(" ", 2)[0]);
                }
            } else if ("GATED_OUT".equals(stage)) {
                ArrayNode reasons = gatedOut.addObject().put("submission", s.submissionId()).putArray("reasons");
                for (String reason : finalDetail(status).split("; ")) {
                    reasons.add(reason);
                }
            }
            latency.put(s.submissionId(), latencySeconds(status));
            ObjectNode stages = breakdown.putObject(s.submissionId());
            stageSeconds(status).forEach(stages::put);
        });
        root.set("subscriber", subscriberChecks);
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "demo", ".json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Receipt to the final stage; for a submission not yet final, to its last entry. */
    static double latencySeconds(JsonNode status) {
        List<JsonNode> history = history(status);
        if (history.isEmpty()) {
            return 0;
        }
        return seconds(at(history.get(0)), at(history.get(history.size() - 1)));
    }

    /** Seconds per stage: each entry's time since the previous one goes to the stage the entry ends. */
    static Map<String, Double> stageSeconds(JsonNode status) {
        Map<String, Double> stages = new LinkedHashMap<>();
        List<JsonNode> history = history(status);
        for (int i = 1; i < history.size(); i++) {
            String spentOn = SPENT_ON.getOrDefault(history.get(i).path("stage").asText(), "other");
            stages.merge(spentOn, seconds(at(history.get(i - 1)), at(history.get(i))), Double::sum);
        }
        return stages;
    }

    private static String finalDetail(JsonNode status) {
        List<JsonNode> history = history(status);
        for (int i = history.size() - 1; i >= 0; i--) {
            String stage = history.get(i).path("stage").asText();
            if (FINAL.contains(stage) && !"PUBLISHED".equals(stage)) {
                return history.get(i).path("detail").asText();
            }
        }
        return "";
    }

    private static List<JsonNode> history(JsonNode status) {
        List<JsonNode> entries = new ArrayList<>();
        Iterator<JsonNode> it = status.path("history").elements();
        it.forEachRemaining(entries::add);
        return entries;
    }

    private static Instant at(JsonNode entry) {
        return Instant.parse(entry.path("at").asText());
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }
}
