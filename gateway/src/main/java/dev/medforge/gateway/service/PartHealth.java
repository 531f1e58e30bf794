package dev.medforge.gateway.service;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The readiness of the platform's other parts, each asked at its {@code /q/health/ready} at the same
 * time with a short timeout, so one part that hangs costs the operations page two seconds, not a
 * minute. UP is a 200, DOWN another status (the service runs but a dependency is missing), and
 * UNREACHABLE no answer at all.
 */
public final class PartHealth {

    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One part's answer: {@code detail} is the status code, or why there was none. */
    public record Part(String name, String url, String status, String detail) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Every part of {@code urls} (name to base URL), in name order. */
    public List<Part> probe(Map<String, URI> urls) {
        return probeAsync(urls).join();
    }

    /**
     * The same, asked at once and answered when all have answered or timed out, so that a caller
     * can wait for this and other requests together (never completes exceptionally).
     */
    public CompletableFuture<List<Part>> probeAsync(Map<String, URI> urls) {
        List<CompletableFuture<Part>> asked = urls.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> ask(e.getKey(), e.getValue())).toList();
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(all -> asked.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<Part> ask(String name, URI base) {
        URI ready = base.resolve("/q/health/ready");
        HttpRequest request = HttpRequest.newBuilder(ready).timeout(TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> new Part(name, base.toString(), response.statusCode() == 200 ? "UP" : "DOWN",
                        "HTTP " + response.statusCode()))
                .exceptionally(failure -> new Part(name, base.toString(), "UNREACHABLE", why(failure)));
    }

    /** Why a part gave no answer, in words an operator reads on the page. */
    static String why(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + TIMEOUT.toSeconds() + " s";
        }
        if (cause instanceof ConnectException) {
            return "connection refused";
        }
        return cause instanceof IOException && cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
