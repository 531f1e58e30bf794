package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.ExitCode;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code medforge status ID}: where a submission is, and why it stopped if it did. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a submission's status history (stage, time, detail) and any withdrawal of it. Exit 4 when it was "
                + "REJECTED or GATED_OUT. An operator may read any institution's submission.")
public final class StatusCommand extends GatewayVerb {

    @Parameters(paramLabel = "ID", description = "the submission id printed by submit")
    String id;

    @Override
    public Integer call() {
        JsonNode submission = fetch(gateway.client(), id);
        Output out = out();
        if (json()) {
            out.json(submission);
        } else {
            out.line("submission %s  branch %s  institution %s  stage %s", submission.path("submissionId").asText(),
                    submission.path("branch").asText(), submission.path("institution").asText(), submission.path("stage").asText());
            for (JsonNode entry : submission.path("history")) {
                out.line("  %-24s %-10s %s", entry.path("at").asText(), entry.path("stage").asText(), entry.path("detail").asText(""));
            }
            for (JsonNode w : submission.path("withdrawals")) {
                out.line("  withdrawal from %s asked by %s at %s: %s", w.path("branch").asText(), w.path("requestedBy").asText(),
                        w.path("requestedAt").asText(), outcome(w));
            }
        }
        return exitCode(stage(submission));
    }

    private static String outcome(JsonNode withdrawal) {
        return switch (withdrawal.path("state").asText()) {
            case "PUBLISHED" -> "PUBLISHED, version " + withdrawal.path("version").asInt() + " and later omit it";
            case "GATED_OUT" -> "GATED_OUT, it stays in the head (" + withdrawal.path("gateReasons").asText() + "); it may be asked again";
            default -> withdrawal.path("state").asText();
        };
    }

    static JsonNode fetch(GatewayClient client, String id) {
        return client.get("/api/v1/submissions/" + GatewayClient.segment(id));
    }

    /** The stage, or null for one this CLI does not know (a newer server). */
    static Stage stage(JsonNode submissionOrStatus) {
        try {
            return Stage.valueOf(submissionOrStatus.path("stage").asText());
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    static int exitCode(Stage stage) {
        return stage == Stage.REJECTED || stage == Stage.GATED_OUT ? ExitCode.REJECTED : ExitCode.OK;
    }
}
