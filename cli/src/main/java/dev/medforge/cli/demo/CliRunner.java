package dev.medforge.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs {@code medforge} verbs as child processes, one actor (an institution or the operator) at a
 * time, the way they would run the tool themselves: each call is a fresh process with the actor's
 * own credentials. The child's progress (stderr) is relayed with the actor's name; its stdout is
 * the result.
 */
final class CliRunner {

    /** A verb that exited with a code other than the one the demo expects. */
    static final class VerbFailed extends RuntimeException {
        final int exitCode;

        VerbFailed(String actor, List<String> args, int exitCode, String output) {
            super(actor + ": medforge " + String.join(" ", args) + " exited with " + exitCode
                    + (output.isBlank() ? "" : ": " + output.strip()));
            this.exitCode = exitCode;
        }
    }

    record Result(int exitCode, String stdout) {
    }

    private final PrintWriter err;
    private final Map<String, String> environment;

    CliRunner(PrintWriter err, Map<String, String> environment) {
        this.err = err;
        this.environment = environment;
    }

    /** Runs the verb and fails unless it exits with 0. */
    String run(String actor, List<String> args) {
        return run(actor, args, null, 0).stdout();
    }

    /** Runs the verb with {@code stdin} (may be null) and fails unless it exits with one of {@code accepted}. */
    Result run(String actor, List<String> args, String stdin, int... accepted) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.medforge.cli.MedforgeCommand"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        try {
            Process process = builder.start();
            Thread relay = new Thread(() -> relay(actor, process));
            relay.start();
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            relay.join();
            for (int code : accepted) {
                if (code == exit) {
                    return new Result(exit, stdout);
                }
            }
            throw new VerbFailed(actor, args, exit, stdout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run medforge " + args.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running medforge " + args.get(0), e);
        }
    }

    private void relay(String actor, Process process) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (err) {
                    err.println("  " + actor + " | " + line);
                    err.flush();
                }
            }
        } catch (IOException e) {
            // The child is gone; its exit code says the rest.
        }
    }
}
