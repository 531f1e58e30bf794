package dev.medforge.cli.demo;

import static dev.medforge.cli.InProcessCli.medforge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medforge.cli.ExitCode;
import dev.medforge.cli.InProcessCli;
import org.junit.jupiter.api.Test;

/** {@code medforge loadtest}'s settings are checked before it reaches for the stack. */
class LoadtestCommandTest {

    @Test
    void noRoundsIsAUsageErrorNamingTheOptionBeforeAnythingIsContacted() {
        // A gateway that cannot answer: a check made after reaching for it would exit 5, not 2.
        InProcessCli.Run run = medforge("loadtest", "--rounds", "0", "--gateway", "http://127.0.0.1:9/");
        assertEquals(ExitCode.USAGE, run.exit(), run.err());
        assertTrue(run.err().contains("--institutions, --rounds and --branches must be at least 1"), run.err());
    }
}
