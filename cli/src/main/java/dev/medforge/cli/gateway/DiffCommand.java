package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code medforge diff}: what changed between two published versions of a branch. */
@Command(name = "diff", mixinStandardHelpOptions = true, description = "Show what changed between two versions: adapters added and removed, strategy and "
        + "coefficients, and each task's accuracy and AUC with the gate's verdict.")
public final class DiffCommand extends GatewayVerb {

    @Parameters(index = "0", paramLabel = "BRANCH")
    String branch;

    @Parameters(index = "1", paramLabel = "FROM", description = "the earlier version (any two versions may be compared)")
    int from;

    @Parameters(index = "2", paramLabel = "TO")
    int to;

    @Override
    public Integer call() {
        JsonNode diff = gateway.client().get("/api/v1/branches/" + GatewayClient.segment(branch) + "/versions/" + from + "..." + to);
        Output out = out();
        if (json()) {
            out.json(diff);
            return 0;
        }
        out.line("%s v%d...v%d  strategy %s -> %s", branch, from, to, diff.path("strategy").path("from").asText(),
                diff.path("strategy").path("to").asText());
        diff.path("added").forEach(a -> out.line("+ adapter %s  %s/%s", a.path("submissionId").asText(), a.path("institution").asText(),
                a.path("task").asText()));
        diff.path("removed").forEach(a -> out.line("- adapter %s  %s/%s", a.path("submissionId").asText(), a.path("institution").asText(),
                a.path("task").asText()));
        diff.path("coefficients").properties().forEach(c -> out.line("  coefficient %s  %s -> %s", c.getKey(),
                c.getValue().path("from").asText("-"), c.getValue().path("to").asText("-")));
        diff.path("tasks").properties().forEach(t -> {
            JsonNode change = t.getValue();
            out.line("  %-12s accuracy %s -> %s (%s points)  auc %s -> %s  %s", t.getKey(), number("%.4f", change.path("accuracy").path("from")),
                    number("%.4f", change.path("accuracy").path("to")), number("%+.2f", change.path("accuracyPoints")),
                    number("%.4f", change.path("auc").path("from")), number("%.4f", change.path("auc").path("to")),
                    change.path("verdict").asText());
        });
        out.line("gate: accuracy may fall at most %.2f points per task (the branch's policy now)",
                diff.path("gate").path("maxRegression").asDouble());
        return 0;
    }

    /** A number as {@code format} gives it, or "-" where the version has none. */
    private static String number(String format, JsonNode value) {
        return value.isNumber() ? String.format(format, value.asDouble()) : "-";
    }
}
