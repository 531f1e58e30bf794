package dev.medforge.cli.gateway;

import dev.medforge.cli.MedforgeCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Runs {@code medforge} in-process, as a user of one profile would, against one gateway and a token
 * cache of the test's own (never the developer's ~/.config/medforge).
 */
final class Cli {

    static final String ISSUER = System.getenv().getOrDefault("MEDFORGE_OIDC_ISSUER", "http://127.0.0.1:8180/realms/medforge");
    static final String PASSWORD = "medforge-dev";

    record Result(int exit, String out, String err) {
        String line() {
            return out.strip();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private final Path configDir;
    private final String gateway;

    Cli(Path configDir, String gateway) {
        this.configDir = configDir;
        this.gateway = gateway;
    }

    /** The URL of a port that was free a moment ago: a connection to it is refused. */
    static String refusingGateway() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    Cli withGateway(String url) {
        return new Cli(configDir, url);
    }

    /** Signs {@code user} in to the profile named after it. */
    Result login(String user) {
        return run(user, "login", "--username", user, "--password", PASSWORD);
    }

    /** {@code args} with this CLI's gateway, issuer and config dir, as {@code profile}. */
    Result run(String profile, String... args) {
        return raw(withOptions(profile, args));
    }

    private String[] withOptions(String profile, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        boolean signIn = args[0].equals("login") || args[0].equals("logout");
        if (!signIn) {
            all.addAll(List.of("--gateway", gateway));
        }
        all.addAll(List.of("--issuer", ISSUER, "--config-dir", configDir.toString(), "--profile", profile));
        return all.toArray(String[]::new);
    }

    /** A command running in the background (watch), whose output can be read while it runs. */
    record Background(CompletableFuture<Result> result, StringBuffer out, StringBuffer err) {
        /** Waits until stderr shows {@code text}, e.g. that the event stream is connected. */
        void awaitErr(String text, Duration timeout) throws InterruptedException {
            Instant deadline = Instant.now().plus(timeout);
            while (!err.toString().contains(text)) {
                if (result.isDone() || Instant.now().isAfter(deadline)) {
                    throw new AssertionError("no '" + text + "' on stderr: " + (result.isDone() ? result.join() : err));
                }
                Thread.sleep(100);
            }
        }

        Result await(Duration timeout) throws Exception {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    Background start(String profile, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> runInto(profile, out, err, args));
        return new Background(result, out.getBuffer(), err.getBuffer());
    }

    static Result raw(String... args) {
        return execute(new StringWriter(), new StringWriter(), args);
    }

    private Result runInto(String profile, StringWriter out, StringWriter err, String... args) {
        return execute(out, err, withOptions(profile, args));
    }

    private static Result execute(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = MedforgeCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
