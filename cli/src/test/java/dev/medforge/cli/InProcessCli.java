package dev.medforge.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs {@code medforge} in this JVM, as the verbs' tests need it when no gateway is involved. */
public final class InProcessCli {

    public record Run(int exit, String out, String err) { }

    private InProcessCli() {
    }

    public static Run medforge(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = MedforgeCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
