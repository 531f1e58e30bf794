package dev.medforge.cli.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code medforge watch} when its stream drops: it reconnects with back-off and resumes after the
 * last event it received. The gateway here is a stand-in that drops the first stream after one
 * event, as a restarting gateway or a proxy would; the sign-in is real Keycloak's. The resume
 * itself, against the real gateway, is in the gateway's NotificationResourceTest.
 */
class WatchReconnectTest {

    private HttpServer gateway;
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final AtomicInteger streams = new AtomicInteger();
    private Cli cli;
    @TempDir
    Path home;

    private static String status(String eventId, String stage) {
        return "{\"id\":\"" + eventId + "\",\"type\":\"dev.medforge.submission.status\",\"time\":\"2026-12-04T00:00:00Z\",\"data\":"
                + "{\"submissionId\":\"sub-1\",\"institution\":\"hospital-a\",\"branch\":\"main\",\"stage\":\"" + stage + "\",\"detail\":\"\"}}";
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @BeforeEach
    void startStandIn() throws IOException {
        gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/api/v1/notifications", this::notifications);
        gateway.createContext("/api/v1/submissions/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
            byte[] body = "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"no such submission\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        gateway.start();
        cli = new Cli(home, "http://127.0.0.1:" + gateway.getAddress().getPort());
        assertEquals(0, cli.login("hospital-a").exit());
    }

    @AfterEach
    void stopStandIn() {
        gateway.stop(0);
    }

    private void notifications(HttpExchange exchange) throws IOException {
        int n = streams.incrementAndGet();
        lastEventIds.add(String.valueOf(exchange.getRequestHeaders().getFirst("Last-Event-ID")));
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        write(out, "event:connected\nretry:200\ndata:hospital-a\n\n");
        if (n == 1) {
            write(out, "event:submission.status\nid:e1\ndata:" + status("e1", "MERGED") + "\n\n");
            exchange.close();
        } else {
            write(out, ":heartbeat\n\n");
            write(out, "event:submission.status\nid:e2\ndata:" + status("e2", "PUBLISHED") + "\n\n");
            // kept open: the watch ends because the submission is final, not because the stream did
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        }
    }

    @Test
    void aDroppedStreamIsReopenedAfterTheServersRetryAndResumesAfterTheLastEvent() throws Exception {
        Cli.Result watched = cli.start("hospital-a", "watch", "--until-final", "sub-1", "--timeout", "60").await(Duration.ofSeconds(60));
        assertEquals(0, watched.exit(), watched.toString());
        assertEquals(List.of("null", "e1"), lastEventIds, "the first stream is fresh, the second resumes after e1");
        assertTrue(watched.err().contains("the gateway closed the event stream; reconnecting in 0.2 s (attempt 1 of 8)"), watched.toString());
        assertTrue(watched.err().contains("connected as hospital-a (resuming after event e1)"), watched.toString());
        assertTrue(watched.out().contains(" submission.status sub-1 MERGED") && watched.out().contains(" submission.status sub-1 PUBLISHED"),
                watched.toString());
    }

    @Test
    void aGatewayThatStaysGoneEndsTheWatchWithExitFiveAfterTheAttempts() throws Exception {
        gateway.stop(0);
        Cli.Result watched = cli.start("hospital-a", "watch", "--max-reconnects", "2").await(Duration.ofSeconds(30));
        assertEquals(5, watched.exit(), watched.toString());
        assertTrue(watched.err().contains("reconnecting in 1.0 s (attempt 1 of 2)"), watched.toString());
        assertTrue(watched.err().contains("reconnecting in 2.0 s (attempt 2 of 2)"), watched.toString());
        assertTrue(watched.err().contains("gave up after 2 reconnection attempts"), watched.toString());
    }
}
