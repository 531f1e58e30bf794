package dev.medforge.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands between the gateway and the real registry in the gateway's tests, passing every request
 * on unchanged, until a test asks it to answer the next few with a 503 itself, as a registry
 * restarting behind a load balancer would. That is how the registry client's retries are seen to
 * work without making the real registry fail.
 */
public final class RegistryProxy implements AutoCloseable {

    /** Hop-by-hop headers, and those the JDK client sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade",
            "expect", "keep-alive");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI target;
    private final AtomicInteger failing = new AtomicInteger();
    private volatile String watched = "";
    private final List<String> seen = new CopyOnWriteArrayList<>();

    RegistryProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * From now on the requests for {@code path} are recorded, and the next {@code count} of them get a
     * 503 from the proxy and never reach the registry. Other paths pass, so what the gateway asks in
     * the background (webhooks, health) neither uses up the failures nor shows among them.
     */
    public void watch(String path, int count) {
        seen.clear();
        watched = path;
        failing.set(count);
    }

    /** "METHOD path status" for each request for the watched path, oldest first. */
    public List<String> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String request = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
        try (exchange; InputStream body = exchange.getRequestBody()) {
            boolean watching = exchange.getRequestURI().getPath().equals(watched);
            if (watching && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                seen.add(request + " 503");
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body.readAllBytes()));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase())) {
                    values.forEach(value -> forward.header(name, value));
                }
            });
            HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            answer.headers().map().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase()) && !name.startsWith(":")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            if (watching) {
                seen.add(request + " " + answer.statusCode());
            }
            byte[] bytes = answer.body();
            exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
