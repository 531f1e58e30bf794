package dev.medforge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CompletionAndVersionTest {

    private record Run(int exit, String out, String err) { }

    private static Run medforge(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MedforgeCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theBashCompletionScriptCompletesEveryVerbAndTheOptionsOfNestedOnes() {
        Run run = medforge("completion", "bash");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("complete -F _complete_medforge"), "a bash completion function is registered");
        for (String verb : MedforgeCommand.commandLine().getSubcommands().keySet()) {
            assertTrue(run.out().contains(verb), "the script knows the verb " + verb);
        }
        assertTrue(run.out().contains("--scenario"), "options of a verb (bench --scenario) complete too");
    }

    @Test
    void zshGetsTheSameScriptWhichEnablesBashcompinitItself() {
        Run run = medforge("completion", "zsh");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("bashcompinit"));
        assertEquals(medforge("completion", "bash").out(), run.out());
    }

    @Test
    void anUnknownShellIsAUsageErrorThatNamesTheChoices() {
        Run run = medforge("completion", "fish");
        assertEquals(ExitCode.USAGE, run.exit());
        assertTrue(run.err().contains("bash") && run.err().contains("zsh"), run.err());
    }

    @Test
    void theVersionOutsideAJarSaysItIsADevelopmentBuildAndNamesTheJavaRuntime() {
        Run run = medforge("--version");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("medforge (development build"), run.out());
        assertTrue(run.out().contains("Java " + Runtime.version()), run.out());
    }
}
