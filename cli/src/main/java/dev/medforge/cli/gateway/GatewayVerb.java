package dev.medforge.cli.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** A verb that calls the gateway: the connection and sign-in options, and text or JSON on stdout. */
abstract class GatewayVerb implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Option(names = "--json", description = "print JSON instead of text (watch: one event per line)")
    boolean json;

    /** kubectl's and gh's spelling of the same choice; the last of {@code --json} and {@code -o} given wins. */
    @Option(names = {"-o", "--output"}, paramLabel = "json|table", description = "output format: json (as --json) or table (text, the default)")
    void output(String format) {
        switch (format) {
            case "json" -> json = true;
            case "table" -> json = false;
            default -> throw new ParameterException(spec.commandLine(), "-o/--output takes json or table (got '" + format + "')");
        }
    }

    Output out() {
        return new Output(spec);
    }
}
