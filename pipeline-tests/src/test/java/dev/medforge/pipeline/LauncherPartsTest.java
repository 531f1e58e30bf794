package dev.medforge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gateway's operations page reads the health and metrics of every part it is told of; the
 * launcher tells it of the merge and eval workers beyond the first ({@code gateway_parts} in
 * {@code infra/lib/services.sh}), as many as the last {@code up} recorded.
 */
class LauncherPartsTest {

    private static String gatewayParts(int mergeWorkers, int evalWorkers) throws Exception {
        return launcher("gateway_parts", mergeWorkers, evalWorkers, 1, 1);
    }

    /** Runs {@code function} of infra/lib/services.sh as after an {@code up} with these numbers of each part. */
    private static String launcher(String function, int mergeWorkers, int evalWorkers, int registries, int gateways) throws Exception {
        Path run = Files.createTempDirectory("launcher-run-");
        try {
            Files.writeString(run.resolve("merge-workers"), String.valueOf(mergeWorkers));
            Files.writeString(run.resolve("eval-workers"), String.valueOf(evalWorkers));
            Files.writeString(run.resolve("registries"), String.valueOf(registries));
            Files.writeString(run.resolve("gateways"), String.valueOf(gateways));
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", "source ../infra/lib/services.sh && " + function)
                    .redirectErrorStream(true);
            builder.environment().put("RUN_DIR", run.toString());
            Process p = builder.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "gateway_parts finished");
            assertEquals(0, p.exitValue(), output);
            return output;
        } finally {
            for (String f : new String[] {"merge-workers", "eval-workers", "registries", "gateways"}) {
                Files.deleteIfExists(run.resolve(f));
            }
            Files.delete(run);
        }
    }

    @Test
    void theGatewayIsToldOfEveryWorkerBeyondTheFirstOnTheLaunchersPorts() throws Exception {
        assertEquals(" -Dmedforge.gateway.parts.merge-service-2=http://127.0.0.1:8085"
                        + " -Dmedforge.gateway.parts.merge-service-3=http://127.0.0.1:8086"
                        + " -Dmedforge.gateway.parts.eval-service-2=http://127.0.0.1:8105",
                gatewayParts(3, 2));
        assertEquals("", gatewayParts(1, 1), "one worker of each: the gateway's defaults name them");
    }

    @Test
    void twoRegistriesAndTwoGatewaysRunOnTheirOwnPortsAndTheGatewaysAskTheSecondRegistry() throws Exception {
        assertEquals("""
                        registry-service registry-service 8081
                        registry-service-2 registry-service 8132
                        adapter-ingest-service adapter-ingest-service 8082
                        merge-service merge-service 8083
                        eval-service eval-service 8084
                        gateway gateway 8080
                        gateway-2 gateway 8142
                        """,
                launcher("service_table $(recorded_scale)", 1, 1, 2, 2));
        assertEquals(" -Dmedforge.gateway.parts.registry-service-2=http://127.0.0.1:8132",
                launcher("gateway_parts", 1, 1, 2, 2), "the second gateway is an entry point, not a part");
    }
}
