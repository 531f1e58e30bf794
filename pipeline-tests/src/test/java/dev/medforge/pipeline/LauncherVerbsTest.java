package dev.medforge.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher's own verbs under {@code ./medforge stack}, so that {@code ./medforge status ID}
 * (the CLI's submission status) and the stack's status never share a spelling; the short
 * spellings stay as aliases.
 */
class LauncherVerbsTest {

    private record Run(int exit, String output) { }

    private static Run launcher(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", Path.of("..", "medforge").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "./medforge " + String.join(" ", args) + " finished");
        return new Run(p.exitValue(), output);
    }

    @Test
    void stackStatusReportsEveryPartAsTheStatusAliasDoes() throws Exception {
        Run stack = launcher("stack", "status");
        Run alias = launcher("status");
        for (Run run : List.of(stack, alias)) {
            assertTrue(run.output().lines().anyMatch(l -> l.startsWith("postgresql")), run.output());
            assertTrue(run.output().lines().anyMatch(l -> l.startsWith("gateway")), run.output());
            assertTrue(run.output().strip().endsWith(run.exit() == 0 ? "all parts healthy" : "not all parts are healthy"),
                    "a verdict that agrees with the exit code ends the report:\n" + run.output());
        }
        assertEquals(alias.exit(), stack.exit(), "the same verdict under both spellings");
    }

    @Test
    void anUnknownStackVerbFailsAndNamesTheVerbsStackTakes() throws Exception {
        Run run = launcher("stack", "start");
        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("stack takes up, down, status, test or restart, got 'start'"), run.output());
    }

    @Test
    void restartTakesOnlyTheBrokerAndNamesIt() throws Exception {
        Run run = launcher("stack", "restart", "zookeeper");
        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("stack restart takes: kafka (got 'zookeeper')"), run.output());
    }
}
