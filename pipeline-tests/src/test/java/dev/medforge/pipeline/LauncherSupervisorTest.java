package dev.medforge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's supervisor ({@code infra/lib/supervise.sh}) restarts a service that exits or
 * fails liveness, gives up on one that keeps failing, and {@code ./medforge status} reports it.
 * The checks live in {@code infra/test/supervisor-test.sh}, against a stand-in service started
 * through the launcher's own {@code start_service}; this runs it in the build.
 */
class LauncherSupervisorTest {

    @Test
    void theSupervisorRestartsAServiceThatExitsOrFailsLivenessAndGivesUpOnOneThatKeepsFailing() throws Exception {
        Path log = Files.createTempFile("supervisor-test", ".log");
        Process script = new ProcessBuilder("bash", Path.of("..", "infra", "test", "supervisor-test.sh").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = script.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            // its EXIT trap stops the stand-in service it started
            script.destroy();
            script.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        System.out.println(output);
        assertTrue(finished, "supervisor-test.sh finished within 4 minutes:\n" + output);
        assertEquals(0, script.exitValue(), output);
        assertTrue(output.contains("ok: a killed service is started again"), output);
        assertTrue(output.contains("ok: one that keeps failing is left down after 2 restarts"), output);
    }
}
