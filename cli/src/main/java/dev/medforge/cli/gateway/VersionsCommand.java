package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medforge versions}: a branch's published versions. */
@Command(name = "versions", mixinStandardHelpOptions = true, description = "List a branch's published versions with accuracy per task, marking those a withdrawal superseded "
        + "and those whose download an operator took away.")
public final class VersionsCommand extends GatewayVerb {

    @Option(names = "--branch", required = true)
    String branch;

    @Override
    public Integer call() {
        JsonNode versions = gateway.client().get("/api/v1/branches/" + GatewayClient.segment(branch) + "/versions");
        Output out = out();
        if (json()) {
            out.json(versions);
            return 0;
        }
        for (JsonNode v : versions) {
            out.line("v%-3d %-9s %-24s accuracy%s%s", v.path("version").asInt(), v.path("strategy").asText(),
                    v.path("publishedAt").asText(), CardCommand.accuracies(v.path("metrics")), marks(v));
        }
        return 0;
    }

    /** What a subscriber should know before downloading: a newer version without a withdrawn contribution, or no download at all. */
    private static String marks(JsonNode version) {
        StringBuilder marks = new StringBuilder();
        JsonNode successor = version.path("supersededBy").path(0);
        if (successor.isObject()) {
            marks.append("  superseded by v").append(successor.path("version").asInt());
        }
        if (version.path("unavailable").isObject()) {
            marks.append("  unavailable");
        }
        return marks.toString();
    }
}
