package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.medforge.cli.CliException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code medforge retire}: the operator's choice to take earlier versions' downloads away, typically
 * those a withdrawal superseded. Cards stay readable: versions are never rewritten.
 */
@Command(name = "retire", description = "Make a version's download unavailable (operator): its card stays readable, and a download "
        + "answers 410 with the reason. --superseded retires every version a withdrawal superseded; --restore gives downloads back. "
        + "The head cannot be retired. Copies already pulled cannot be recalled.")
public final class RetireCommand extends GatewayVerb {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--branch", required = true, paramLabel = "B")
    String branch;

    @ArgGroup(multiplicity = "1")
    Which which;

    static final class Which {
        @Option(names = "--version", paramLabel = "V", description = "the one version to retire or restore")
        Integer version;

        @Option(names = "--superseded", description = "every version that still holds a withdrawn contribution")
        boolean superseded;
    }

    @Option(names = "--reason", paramLabel = "TEXT", description = "why, shown to whoever tries to download it (required unless --restore)")
    String reason;

    @Option(names = "--restore", description = "make the download available again")
    boolean restore;

    @Override
    public Integer call() {
        if (!restore && (reason == null || reason.isBlank())) {
            throw CliException.usage("--reason is required: whoever tries to download the version will read it");
        }
        GatewayClient client = gateway.client();
        String versions = "/api/v1/branches/" + GatewayClient.segment(branch) + "/versions";
        ArrayNode changed = GatewayClient.JSON.createArrayNode();
        if (which.version != null) {
            changed.add(set(client, versions, which.version));
        } else {
            for (JsonNode v : client.get(versions)) {
                boolean superseded = !v.path("supersededBy").isEmpty();
                boolean unavailable = v.path("unavailable").isObject();
                if (superseded && unavailable == restore) {
                    changed.add(set(client, versions, v.path("version").asInt()));
                }
            }
        }
        Output out = out();
        if (json()) {
            out.json(changed);
        } else if (changed.isEmpty()) {
            out.line("no superseded version of %s is %s", branch, restore ? "unavailable" : "downloadable");
        } else {
            for (JsonNode v : changed) {
                out.line("%s v%d: %s", branch, v.path("version").asInt(), v.path("unavailable").isObject()
                        ? "download unavailable (" + v.path("unavailable").path("reason").asText() + ")" : "downloadable");
            }
        }
        return 0;
    }

    private JsonNode set(GatewayClient client, String versions, int version) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("available", restore);
        if (!restore) {
            body.put("reason", reason);
        }
        return client.putJson(versions + "/" + version + "/availability", body);
    }
}
