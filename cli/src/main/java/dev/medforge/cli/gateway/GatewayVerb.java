package dev.medforge.cli.gateway;

import dev.medforge.cli.OutputFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A verb that calls the gateway: the connection and sign-in options, and text or JSON on stdout. */
abstract class GatewayVerb implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Mixin
    OutputFormat output;

    boolean json() {
        return output.json();
    }

    Output out() {
        return new Output(spec);
    }
}
