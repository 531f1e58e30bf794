package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code medforge whoami}: the identity the gateway sees, to check credentials before submitting. */
@Command(name = "whoami", mixinStandardHelpOptions = true, description = "Show the user, institution and roles the gateway sees.")
public final class WhoamiCommand extends GatewayVerb {

    @Override
    public Integer call() throws Exception {
        JsonNode me = gateway.client().get("/api/v1/me");
        Output out = out();
        if (json()) {
            out.json(me);
        } else {
            List<String> roles = new ArrayList<>();
            me.path("roles").forEach(r -> roles.add(r.asText()));
            out.line("%s (institution %s; roles %s)", me.path("username").asText(), me.path("institution").asText("none"),
                    String.join(", ", roles));
        }
        return 0;
    }
}
