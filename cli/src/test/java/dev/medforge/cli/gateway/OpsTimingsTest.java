package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The operator's timings verb against the real gateway, which reads the real registry's metrics. */
@ExtendWith(GatewayStack.class)
class OpsTimingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(dir.resolve("config"), GatewayStack.gatewayUrl());
    }

    @Test
    void theOperatorReadsEveryTimingTheGatewayGivesAsALine() throws Exception {
        assertEquals(0, cli.login("ops").exit());
        Cli.Result json = cli.run("ops", "ops", "timings", "--json");
        assertEquals(0, json.exit(), json.toString());
        JsonNode timings = JSON.readTree(json.out());
        assertTrue(timings.path("queueWaits").isArray() && timings.path("stages").isArray() && timings.path("unread").isArray(),
                json.toString());

        Cli.Result table = cli.run("ops", "ops", "timings");
        assertEquals(0, table.exit(), table.toString());
        assertTrue(table.out().startsWith("waited on topic / stage"), table.toString());
        // The registry counts every composite it consumed since it started; the table shows each topic it waited on.
        for (JsonNode wait : timings.path("queueWaits")) {
            assertTrue(table.out().contains("waited on " + wait.path("name").asText()), table.toString());
        }
    }

    @Test
    void aContributorMayNotReadThem() {
        assertEquals(0, cli.login("hospital-a").exit());
        Cli.Result refused = cli.run("hospital-a", "ops", "timings");
        assertEquals(3, refused.exit(), refused.toString());
    }
}
