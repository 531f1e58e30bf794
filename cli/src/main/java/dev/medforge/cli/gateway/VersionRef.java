package dev.medforge.cli.gateway;

import picocli.CommandLine.Option;

/**
 * One published version of a branch. Its {@code --version} takes the place of picocli's standard
 * version option, so the commands that use it declare only {@code --help}.
 */
final class VersionRef {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--branch", required = true)
    String branch;

    @Option(names = "--version", required = true, description = "the version number")
    int version;

    String path() {
        return "/api/v1/branches/" + GatewayClient.segment(branch) + "/versions/" + version;
    }
}
