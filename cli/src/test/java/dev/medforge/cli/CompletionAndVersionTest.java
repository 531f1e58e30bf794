package dev.medforge.cli;

import static dev.medforge.cli.InProcessCli.medforge;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CompletionAndVersionTest {


    @Test
    void theBashCompletionScriptCompletesEveryVerbAndTheOptionsOfNestedOnes() {
        InProcessCli.Run run = medforge("completion", "bash");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("complete -F _complete_medforge"), "a bash completion function is registered");
        for (String verb : MedforgeCommand.commandLine().getSubcommands().keySet()) {
            assertTrue(run.out().contains(verb), "the script knows the verb " + verb);
        }
        assertTrue(run.out().contains("--scenario"), "options of a verb (bench --scenario) complete too");
    }

    @Test
    void zshGetsTheSameScriptWhichEnablesBashcompinitItself() {
        InProcessCli.Run run = medforge("completion", "zsh");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("bashcompinit"));
        assertEquals(medforge("completion", "bash").out(), run.out());
    }

    @Test
    void anUnknownShellIsAUsageErrorThatNamesTheChoices() {
        InProcessCli.Run run = medforge("completion", "fish");
        assertEquals(ExitCode.USAGE, run.exit());
        assertTrue(run.err().contains("bash") && run.err().contains("zsh"), run.err());
    }

    @Test
    void theVersionOutsideAJarSaysItIsADevelopmentBuildAndNamesTheJavaRuntime() {
        InProcessCli.Run run = medforge("--version");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("medforge (development build"), run.out());
        assertTrue(run.out().contains("Java " + Runtime.version()), run.out());
    }
}
