package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code medforge withdraw ID}: take a published contribution out of its branch, as {@code git revert} would. */
@Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw a published submission from a branch (its institution, or an operator): the "
        + "head's other adapters are merged again without it, and the version published from them omits it. Copies of earlier "
        + "versions already pulled cannot be recalled. 'medforge status ID' shows WITHDRAWN once that version is published.")
public final class WithdrawCommand extends GatewayVerb {

    @Parameters(paramLabel = "ID", description = "the submission id printed by submit")
    String id;

    @Option(names = "--branch", paramLabel = "B", description = "the branch to withdraw it from (default: the branch it was submitted to)")
    String branch;

    @Override
    public Integer call() {
        GatewayClient client = gateway.client();
        String from = branch != null ? branch : StatusCommand.fetch(client, id).path("branch").asText();
        JsonNode withdrawal = client.postJson("/api/v1/branches/" + GatewayClient.segment(from) + "/submissions/"
                + GatewayClient.segment(id) + "/withdrawal", Map.of());
        Output out = out();
        if (json()) {
            out.json(withdrawal);
        } else {
            out.line("withdrawal of %s (%s/%s) from %s requested by %s at %s: %s", withdrawal.path("submissionId").asText(),
                    withdrawal.path("institution").asText(), withdrawal.path("task").asText(), withdrawal.path("branch").asText(),
                    withdrawal.path("requestedBy").asText(), withdrawal.path("requestedAt").asText(), withdrawal.path("state").asText());
            out.line("the next version omits it; 'medforge status %s' shows the withdrawal, and ends WITHDRAWN once it is published"
                    + " (when %s is the branch it was submitted to)", id, withdrawal.path("branch").asText());
        }
        return 0;
    }
}
