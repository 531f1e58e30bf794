package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The gateway's API as the commands use it. Every failure leaves as a {@link CliException} with
 * the documented exit code: problem details from the gateway become readable lines, network
 * errors a one-line cause.
 */
public final class GatewayClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** Uploads of up to the gateway's 64 MiB limit, on a slow link. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(15);

    private final URI base;
    private final Supplier<String> tokenSource;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;

    GatewayClient(URI base, Supplier<String> tokenSource) {
        this.base = base;
        this.tokenSource = tokenSource;
    }

    public URI base() {
        return base;
    }

    /** One path segment, percent-encoded: user input never adds a segment of its own. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return json("GET " + path, request(path, CALL_TIMEOUT).GET());
    }

    /** As {@link #get}, but a 404 is an answer (empty) rather than a failure. */
    public Optional<JsonNode> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (Problems.NotFound absent) {
            return Optional.empty();
        }
    }

    public JsonNode postJson(String path, Object body) {
        return sendJson("POST", path, body);
    }

    public JsonNode putJson(String path, Object body) {
        return sendJson("PUT", path, body);
    }

    private JsonNode sendJson(String method, String path, Object body) {
        try {
            return json(method + " " + path, request(path, CALL_TIMEOUT).header("Content-Type", "application/json")
                    .method(method, BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts a body that may be large; the publisher reports progress as the client reads it. */
    public JsonNode upload(String path, String contentType, BodyPublisher body) {
        return json("POST " + path, request(path, UPLOAD_TIMEOUT).header("Content-Type", contentType).POST(body));
    }

    /** Streams {@code file} into the artifact store and checks that the gateway stored what was sent. */
    public String uploadArtifact(Path file, UploadProgress progress) throws IOException {
        String expected = Digests.sha256(file);
        long size = Files.size(file);
        JsonNode stored = upload("/api/v1/artifacts", "application/octet-stream",
                BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> progress.track(open(file), size)), size));
        String digest = stored.path("digest").asText();
        if (!expected.equals(digest)) {
            throw CliException.server("the gateway stored " + file + " as " + digest + " but its bytes hash to " + expected);
        }
        return digest;
    }

    /** A response whose body the caller reads as it arrives (downloads, event streams); an error status has already failed. */
    public HttpResponse<InputStream> open(String path, String accept) {
        return open(path, accept, Map.of());
    }

    /** As {@link #open(String, String)}, with extra request headers (an event stream's Last-Event-ID). */
    public HttpResponse<InputStream> open(String path, String accept, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, CALL_TIMEOUT).header("Accept", accept).GET();
        headers.forEach(request::header);
        HttpResponse<InputStream> response = send("GET " + path, request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                body = "";
            }
            throw Problems.toException("GET " + path, response.statusCode(), body);
        }
        return response;
    }

    private JsonNode json(String what, HttpRequest.Builder request) {
        HttpResponse<String> response = send(what, request.header("Accept", "application/json"), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw Problems.toException(what, response.statusCode(), response.body());
        }
        try {
            return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw CliException.server(what + ": the gateway answered something that is not JSON");
        }
    }

    private <T> HttpResponse<T> send(String what, HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.header("Authorization", "Bearer " + token()).build(), handler);
        } catch (IOException e) {
            throw CliException.server(what + ": cannot reach the gateway at " + base + ": " + Http.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.server(what + ": interrupted");
        }
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    }

    /** Asked for once, when the first call needs it: commands that fail their own checks first never sign in. */
    private String token() {
        if (token == null) {
            token = tokenSource.get();
        }
        return token;
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
