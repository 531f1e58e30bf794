package dev.medforge.contracts.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Another MedForge service, started from its packaged jar as a child process on a free loopback
 * port, for tests that cross a service boundary. The reactor packages modules in order, so a
 * service's jar exists when a later module's tests run. {@link #close()} stops the process it started;
 * {@link #kill()} and {@link #restart()} let a fault drill take it away and bring it back.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> command;
    private final String url;
    private final Path log;
    private volatile Process process;

    private ServiceProcess(List<String> command, String url, Path log) throws IOException {
        this.command = command;
        this.url = url;
        this.log = log;
        this.process = launch();
    }

    /**
     * Starts {@code ../<module>/target/quarkus-app/quarkus-run.jar} and waits until it is ready.
     *
     * @param properties extra system properties for the service, e.g. its artifact root
     */
    public static ServiceProcess start(String module, Map<String, String> properties) throws IOException {
        Path jar = Path.of("..", module, "target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the reactor with `mvn verify` from the root");
        }
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=" + port));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        // Beside the test reports, where a failed build is read, and gone with the next clean build.
        Path log = Files.createTempFile(Files.createDirectories(Path.of("target", "service-logs")), module + "-", ".log");
        ServiceProcess service = new ServiceProcess(command, "http://127.0.0.1:" + port, log);
        service.awaitReady(READY_TIMEOUT);
        return service;
    }

    private Process launch() throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** Ends the process as a crash would (SIGKILL): no shutdown hook, no graceful close of its consumers. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the service again, with the same port and properties, and waits until it is ready. */
    public void restart() throws IOException {
        process = launch();
        awaitReady(READY_TIMEOUT);
    }

    public Path log() {
        return log;
    }

    public String url() {
        return url;
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("service exited with " + process.exitValue() + "; log: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(Duration.ofMillis(500));
        }
        close();
        throw new IllegalStateException("service at " + url + " not ready within " + timeout + "; log: " + log);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(java.util.concurrent.TimeUnit.SECONDS.toMillis(20), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
