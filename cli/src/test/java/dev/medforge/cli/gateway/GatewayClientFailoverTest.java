package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which requests go on to the next gateway and which do not, with stand-ins whose every received
 * request is counted: a gateway that refuses, one that drops the connection after reading the
 * request, and one that answers.
 */
class GatewayClientFailoverTest {

    @TempDir
    Path dir;

    private HttpServer live;
    private String liveUrl;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ServerSocket dropping;
    private final AtomicInteger dropped = new AtomicInteger();
    /** The Idempotency-Key of every request either stand-in saw, in order ("-" for none). */
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startStandIns() throws IOException {
        live = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        live.createContext("/api/v1/", this::answer);
        live.start();
        liveUrl = "http://127.0.0.1:" + live.getAddress().getPort();

        dropping = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::dropEveryConnectionAfterItsHeaders, "dropping-gateway");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopStandIns() throws IOException {
        live.stop(0);
        dropping.close();
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        keys.add(String.valueOf(exchange.getRequestHeaders().getFirst(GatewayClient.IDEMPOTENCY_KEY)));
        received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization")
                + " " + new String(body, StandardCharsets.UTF_8));
        String json = "{\"ok\":true}";
        if (exchange.getRequestURI().getPath().equals("/api/v1/artifacts")) {
            Path stored = Files.write(dir.resolve("stored"), body);
            json = "{\"digest\":\"" + Digests.sha256(stored) + "\"}";
        }
        byte[] answer = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    /** As a gateway that dies while handling the request: it was received, and may have been acted on. */
    private void dropEveryConnectionAfterItsHeaders() {
        while (!dropping.isClosed()) {
            try (Socket connection = dropping.accept()) {
                InputStream in = connection.getInputStream();
                String seen = "";
                for (int b; !seen.endsWith("\r\n\r\n") && (b = in.read()) >= 0; ) {
                    seen += (char) b;
                }
                keys.add(seen.lines().filter(h -> h.regionMatches(true, 0, GatewayClient.IDEMPOTENCY_KEY + ":", 0,
                        GatewayClient.IDEMPOTENCY_KEY.length() + 1)).map(h -> h.substring(h.indexOf(':') + 1).strip()).findFirst().orElse("null"));
                dropped.incrementAndGet();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private String droppingUrl() {
        return "http://127.0.0.1:" + dropping.getLocalPort();
    }

    private GatewayClient client(String gateways) {
        return new GatewayClient(GatewayAddresses.parse(gateways), () -> "token-1", new PrintWriter(err, true));
    }

    private long failoverLines() {
        return err.toString().lines().filter(line -> line.startsWith("medforge: gateway ")).count();
    }

    @Test
    void aPostToARefusingGatewayIsSentOnceToTheNextWithItsBodyAndLaterCallsStayThere() throws IOException {
        String refusing = Cli.refusingGateway();
        GatewayClient client = client(refusing + "," + liveUrl);

        JsonNode answer = client.postJson("/api/v1/things", Map.of("n", 1));
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        assertEquals(List.of("POST /api/v1/things Bearer token-1 {\"n\":1}"), received);
        assertEquals("medforge: gateway " + refusing + " unreachable (Connection refused); using " + liveUrl, err.toString().strip());

        client.get("/api/v1/things?page=2");
        assertEquals("GET /api/v1/things?page=2 Bearer token-1 ", received.get(1));
        assertEquals(1, failoverLines(), "the second call went straight to the gateway that answered: " + err);
        assertEquals(URI.create(liveUrl), client.base());
    }

    @Test
    void anUploadIsStreamedAgainFromTheFileToTheNextGateway() throws IOException {
        Path file = Files.write(dir.resolve("adapter.bin"), "weights".repeat(10_000).getBytes(StandardCharsets.UTF_8));
        GatewayClient client = client(Cli.refusingGateway() + "," + liveUrl);
        String digest = client.uploadArtifact(file, new UploadProgress(new PrintWriter(Writer.nullWriter()), "upload"));
        assertEquals(Digests.sha256(file), digest);
        assertEquals(1, received.size(), received.toString());
        assertEquals(1, failoverLines(), err.toString());
    }

    @Test
    void aSubmissionWithItsIdempotencyKeyIsSentAgainAfterADroppedConnectionWithTheSameKey() {
        GatewayClient failingOver = client(droppingUrl() + "," + liveUrl);
        JsonNode answer = failingOver.uploadOnce("/api/v1/branches/b/submissions", "application/json",
                BodyPublishers.ofString("{}"));
        assertTrue(answer.path("ok").asBoolean(), answer.toString());
        assertEquals(1, dropped.get());
        assertEquals(1, received.size(), received.toString());
        assertEquals(2, keys.size(), keys.toString());
        assertEquals(keys.get(0), keys.get(1), "the gateway that answered got the key the dropping one got");
        assertTrue(keys.get(0).matches("[0-9a-f-]{36}"), keys.toString());

        keys.clear();
        GatewayClient alone = client(droppingUrl());
        CliException failed = assertThrows(CliException.class, () -> alone.uploadOnce("/api/v1/branches/b/submissions", "application/json",
                BodyPublishers.ofString("{}")));
        assertEquals(ExitCode.SERVER, failed.exitCode());
        assertTrue(failed.getMessage().contains("cannot reach the gateway at " + droppingUrl()), failed.getMessage());
        assertEquals(1 + GatewayClient.IDEMPOTENT_TRIES, dropped.get(), "one gateway: sent " + GatewayClient.IDEMPOTENT_TRIES + " times");
        assertEquals(GatewayClient.IDEMPOTENT_TRIES, keys.size(), keys.toString());
        assertEquals(1, keys.stream().distinct().count(), "every send carried the one key: " + keys);
        assertEquals(GatewayClient.IDEMPOTENT_TRIES - 1, err.toString().lines().filter(l -> l.contains("sending again with the same Idempotency-Key"))
                .count(), err.toString());
    }

    @Test
    void aPostThatReachedAGatewayIsNotSentAgainWhenTheConnectionDrops() {
        GatewayClient client = client(droppingUrl() + "," + liveUrl);
        CliException failed = assertThrows(CliException.class, () -> client.postJson("/api/v1/things", Map.of("n", 1)));
        assertEquals(ExitCode.SERVER, failed.exitCode());
        assertTrue(failed.getMessage().startsWith("POST /api/v1/things: cannot reach the gateway at " + droppingUrl() + ": "),
                failed.getMessage());
        assertEquals(1, dropped.get(), "the dropping gateway got the request once");
        assertEquals(List.of(), received, "and the other never saw it");
        assertEquals(0, failoverLines(), err.toString());
    }

    @Test
    void aGetIsReadAgainFromTheNextGatewayAfterADrop() {
        GatewayClient client = client(droppingUrl() + "," + liveUrl);
        assertTrue(client.get("/api/v1/things").path("ok").asBoolean());
        assertTrue(dropped.get() >= 1, "the dropping gateway was asked first");
        assertEquals(List.of("GET /api/v1/things Bearer token-1 "), received);
        assertTrue(err.toString().startsWith("medforge: gateway " + droppingUrl() + " unreachable ("), err.toString());
        assertTrue(err.toString().strip().endsWith("; using " + liveUrl), err.toString());
    }

    @Test
    void everyRefusalIsNamedWhenNoGatewayAnswers() throws IOException {
        String first = Cli.refusingGateway();
        String second = Cli.refusingGateway();
        CliException failed = assertThrows(CliException.class, () -> client(first + "," + second).get("/api/v1/things"));
        assertEquals(ExitCode.SERVER, failed.exitCode());
        assertEquals("GET /api/v1/things: cannot reach any gateway (" + first + ": Connection refused; " + second + ": Connection refused)",
                failed.getMessage());
    }

    @Test
    void oneGatewayFailsAsItAlwaysDid() throws IOException {
        String only = Cli.refusingGateway();
        CliException failed = assertThrows(CliException.class, () -> client(only).get("/api/v1/things"));
        assertEquals(ExitCode.SERVER, failed.exitCode());
        assertEquals("GET /api/v1/things: cannot reach the gateway at " + only + ": Connection refused", failed.getMessage());
        assertEquals("", err.toString());
    }
}
