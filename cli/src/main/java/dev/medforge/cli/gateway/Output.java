package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine.Model.CommandSpec;

/** stdout for results (flushed at once, so scripts and pipes see each line), stderr for everything else. */
final class Output {

    private final PrintWriter out;
    private final PrintWriter err;

    Output(CommandSpec spec) {
        this.out = spec.commandLine().getOut();
        this.err = spec.commandLine().getErr();
    }

    void line(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
        out.flush();
    }

    void json(JsonNode node) {
        try {
            line(GatewayClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One line of JSON, for streams read line by line. */
    void compactJson(JsonNode node) {
        line(node.toString());
    }

    void note(String format, Object... args) {
        err.println(args.length == 0 ? format : String.format(format, args));
        err.flush();
    }

    PrintWriter err() {
        return err;
    }
}
