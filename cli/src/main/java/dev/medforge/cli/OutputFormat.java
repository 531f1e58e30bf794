package dev.medforge.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The choice between text and JSON on stdout, spelled the way every verb that prints a result takes
 * it: {@code --json}, or kubectl's and gh's {@code -o json|table}. The last of the two given wins.
 */
public final class OutputFormat {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    private boolean json;

    @Option(names = "--json", description = "print JSON instead of text (watch: one event per line)")
    void json(boolean json) {
        this.json = json;
    }

    @Option(names = {"-o", "--output"}, paramLabel = "json|table", description = "output format: json (as --json) or table (text, the default)")
    void output(String format) {
        switch (format) {
            case "json" -> json = true;
            case "table" -> json = false;
            default -> throw new ParameterException(spec.commandLine(), "-o/--output takes json or table (got '" + format + "')");
        }
    }

    public boolean json() {
        return json;
    }
}
