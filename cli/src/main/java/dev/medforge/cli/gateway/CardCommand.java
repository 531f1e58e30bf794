package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code medforge card}: one version's model card. */
@Command(name = "card", description = "Show a version's model card: metrics per task, strategy, coefficients and lineage.")
public final class CardCommand extends GatewayVerb {

    @Mixin
    VersionRef ref;

    @Override
    public Integer call() {
        JsonNode card = gateway.client().get(ref.path());
        Output out = out();
        if (json()) {
            out.json(card);
            return 0;
        }
        out.line("%s v%d (parent v%d), %s, published %s", card.path("branch").asText(), card.path("version").asInt(),
                card.path("parentVersion").asInt(), card.path("strategy").asText(), card.path("publishedAt").asText());
        out.line("artifact %s", card.path("artifact").asText());
        JsonNode fork = card.path("forkedFrom");
        if (fork.isObject()) {
            out.line("forked from %s@%d", fork.path("branch").asText(), fork.path("version").asInt());
        }
        card.path("metrics").properties().forEach(m -> out.line("  %-12s accuracy %.4f  auc %.4f  n %d", m.getKey(),
                m.getValue().path("accuracy").asDouble(), m.getValue().path("auc").asDouble(), m.getValue().path("n").asInt()));
        for (JsonNode a : card.path("adapters")) {
            out.line("  adapter %s  %s/%s  coefficient %s", a.path("submissionId").asText(), a.path("institution").asText(),
                    a.path("task").asText(), card.path("coefficients").path(a.path("submissionId").asText()).asText("-"));
            out.line("    privacy %s", privacy(a.path("privacy")));
        }
        for (JsonNode w : card.path("withdrawn")) {
            out.line("  withdrawn %s  %s/%s  from v%d, at the request of %s (%s)", w.path("submissionId").asText(),
                    w.path("institution").asText(), w.path("task").asText(), w.path("version").asInt(), w.path("requestedBy").asText(),
                    w.path("requestedAt").asText());
        }
        for (JsonNode s : card.path("supersededBy")) {
            out.line("  superseded by v%d, which omits %s of %s (withdrawn; published %s)", s.path("version").asInt(),
                    s.path("submissionId").asText(), s.path("institution").asText(), s.path("at").asText());
        }
        JsonNode unavailable = card.path("unavailable");
        if (unavailable.isObject()) {
            out.line("  download unavailable since %s (%s): %s", unavailable.path("at").asText(), unavailable.path("by").asText(),
                    unavailable.path("reason").asText());
        }
        // A mixture's rows: which members serve each task; a one-hot row is the task's own adapter alone.
        card.path("taskCoefficients").properties().forEach(row -> {
            StringBuilder weights = new StringBuilder();
            row.getValue().properties().forEach(w -> weights.append(String.format("  %s=%.3f", w.getKey(), w.getValue().asDouble())));
            out.line("  %-12s weights%s", row.getKey(), weights);
        });
        return 0;
    }

    /**
     * An adapter's declared privacy figures: the distance attack's AUC, its upper 95% bound and TPR at
     * 1% FPR, and the smallest nearest-real ratio; "-" for a figure the report did not give.
     */
    static String privacy(JsonNode figures) {
        if (!figures.isObject()) {
            return "not declared (validated before ingest passed the figures on)";
        }
        return String.format("distance attack AUC %s (upper 95%% %s), TPR@1%%FPR %s; nearest-real ratio min %s",
                figure(figures.path("distanceAuc")), figure(figures.path("distanceCiHigh")),
                figure(figures.path("distanceTprAt1Fpr")), figure(figures.path("minNearestRealRatio")));
    }

    private static String figure(JsonNode value) {
        return value.isNumber() ? String.format("%.3f", value.asDouble()) : "-";
    }

    /** {@code " tops=0.912 footwear=0.880"}: each task's accuracy, for one-line summaries. */
    static String accuracies(JsonNode metrics) {
        StringBuilder line = new StringBuilder();
        metrics.properties().forEach(task -> line.append(' ').append(task.getKey()).append('=')
                .append(String.format("%.3f", task.getValue().path("accuracy").asDouble())));
        return line.toString();
    }
}
