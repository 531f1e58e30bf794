package dev.medforge.cli.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A verb that calls the gateway: the connection and sign-in options, and text or JSON on stdout. */
abstract class GatewayVerb implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    GatewayOptions gateway;

    @Option(names = "--json", description = "print JSON instead of text (watch: one event per line)")
    boolean json;

    Output out() {
        return new Output(spec);
    }
}
