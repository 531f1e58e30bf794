package dev.medforge.cli.gateway;

import dev.medforge.contracts.MergePatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The gateway's API as the commands use it. Every failure leaves as a {@link CliException} with
 * the documented exit code: problem details from the gateway become readable lines, network
 * errors a one-line cause.
 *
 * <p>With several gateways, a call goes to the one that answered last; a gateway that cannot be
 * reached hands the same request to the next one in the list (see {@link #send}).
 */
public final class GatewayClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    /** Uploads of up to the gateway's 64 MiB limit, on a slow link. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(15);
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** Sends of one request with an Idempotency-Key per gateway before giving up. */
    static final int IDEMPOTENT_TRIES = 3;

    private final List<URI> gateways;
    private final Supplier<String> tokenSource;
    /** Where the line that announces a failover goes: the command's stderr. */
    private final PrintWriter err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String token;
    /** The gateway that answered last: later calls start there. */
    private volatile int current;

    GatewayClient(GatewayAddresses gateways, Supplier<String> tokenSource, PrintWriter err) {
        this.gateways = gateways.urls();
        this.tokenSource = tokenSource;
        this.err = err;
    }

    /** The gateway the next call goes to first. */
    public URI base() {
        return gateways.get(current);
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
        return sendJson("POST", path, "application/json", body);
    }

    public JsonNode putJson(String path, Object body) {
        return sendJson("PUT", path, "application/json", body);
    }

    /** A JSON merge patch (RFC 7396): members set to null go back to their defaults. */
    public JsonNode patchJson(String path, Object patch) {
        return sendJson("PATCH", path, MergePatch.MEDIA_TYPE, patch);
    }

    private JsonNode sendJson(String method, String path, String contentType, Object body) {
        try {
            return json(method + " " + path, request(path, CALL_TIMEOUT).header("Content-Type", contentType)
                    .method(method, BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Posts a body that may be large; the publisher reports progress as the client reads it. */
    public JsonNode upload(String path, String contentType, BodyPublisher body) {
        return json("POST " + path, request(path, UPLOAD_TIMEOUT).header("Content-Type", contentType).POST(body));
    }

    /**
     * {@link #upload} with an {@code Idempotency-Key} of its own, so that a timeout or a broken
     * connection after sending is sent again rather than failed: the gateway answers the repeat with
     * the first request's result and submits nothing more.
     */
    public JsonNode uploadOnce(String path, String contentType, BodyPublisher body) {
        return json("POST " + path, request(path, UPLOAD_TIMEOUT).header("Content-Type", contentType)
                .header(IDEMPOTENCY_KEY, UUID.randomUUID().toString()).POST(body));
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

    /**
     * Sends to the current gateway, and on to the next ones while a gateway cannot be reached. A
     * request whose connection was never made was never seen, so any method goes again elsewhere; a
     * GET goes again after any network failure, as reading twice changes nothing, and so does a
     * request with an {@code Idempotency-Key} (a submission), up to {@value #IDEMPOTENT_TRIES} times
     * per gateway, even with one gateway: the gateway answers a repeat as it answered the first.
     * Anything else that broke after sending (a timeout, a reset) may have been processed: it fails
     * here rather than risk doing it twice.
     */
    private <T> HttpResponse<T> send(String what, HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler) {
        HttpRequest request = builder.header("Authorization", "Bearer " + token()).build();
        boolean idempotent = request.headers().firstValue(IDEMPOTENCY_KEY).isPresent();
        int tries = gateways.size() * (idempotent ? IDEMPOTENT_TRIES : 1);
        List<String> failures = new ArrayList<>();
        int at = current;
        while (true) {
            URI gateway = gateways.get(at);
            try {
                return http.send(rebase(request, gateway), handler);
            } catch (IOException e) {
                boolean retryable = neverConnected(e) || request.method().equals("GET") || idempotent;
                failures.add(gateway + ": " + Http.describe(e));
                if (!retryable || (gateways.size() == 1 && failures.size() == tries)) {
                    throw CliException.server(what + ": cannot reach the gateway at " + gateway + ": " + Http.describe(e));
                }
                if (failures.size() == tries) {
                    throw CliException.server(what + ": cannot reach any gateway (" + String.join("; ", failures) + ")");
                }
                int next = (at + 1) % gateways.size();
                err.println(next == at
                        ? "medforge: no answer from " + gateway + " (" + Http.describe(e) + "); sending again with the same " + IDEMPOTENCY_KEY
                        : "medforge: gateway " + gateway + " unreachable (" + Http.describe(e) + "); using " + gateways.get(next));
                err.flush();
                at = next;
                current = at;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.server(what + ": interrupted");
            }
        }
    }

    /** No connection was made, so nothing of the request left this machine. */
    private static boolean neverConnected(IOException e) {
        return e instanceof ConnectException || e instanceof HttpConnectTimeoutException;
    }

    /**
     * The same request (method, headers, timeout, a body publisher that can be read again) for
     * {@code gateway}. The request's own base is found from its URI rather than remembered, since
     * another thread may have moved {@link #current} since the request was built.
     */
    private HttpRequest rebase(HttpRequest request, URI gateway) {
        String uri = request.uri().toString();
        String from = gateways.stream().map(URI::toString).filter(base -> uri.startsWith(base + "/"))
                .max(Comparator.comparingInt(String::length)).orElseThrow();
        if (from.equals(gateway.toString())) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).uri(URI.create(gateway + uri.substring(from.length()))).build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base() + path)).timeout(timeout);
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
