package dev.medforge.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.medforge.cli.gateway.GatewayAddresses;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drivers' readiness check on a list of gateways: any ready one will do, and it goes first. */
class StackActorsTest {

    private HttpServer ready;
    private HttpServer starting;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startStandIns() throws IOException {
        ready = health(200, "{\"status\":\"UP\"}");
        starting = health(503, "{\"status\":\"DOWN\"}");
    }

    @AfterEach
    void stopStandIns() {
        ready.stop(0);
        starting.stop(0);
    }

    private static HttpServer health(int status, String body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/q/health/ready", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static String refusing() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Optional<GatewayAddresses> check(String gateways) {
        StackActors actors = new StackActors();
        actors.gateway = GatewayAddresses.parse(gateways);
        return actors.readyGateways(new PrintWriter(err, true));
    }

    @Test
    void theFirstReadyGatewayGoesFirstAndTheOthersStayAsFallbacks() throws IOException {
        String down = refusing();
        Optional<GatewayAddresses> gateways = check(down + "," + url(starting) + "," + url(ready));
        assertEquals(Optional.of(url(ready) + "," + down + "," + url(starting)), gateways.map(GatewayAddresses::toString));
        assertTrue(err.toString().contains("the gateway at " + down + " does not answer (Connection refused)"), err.toString());
        assertTrue(err.toString().contains("the gateway at " + url(starting) + " is not ready (503)"), err.toString());
        assertTrue(err.toString().strip().endsWith("; using " + url(ready)), err.toString());
    }

    @Test
    void aReadyFirstGatewayIsUsedWithoutAWord() throws IOException {
        String list = url(ready) + "," + refusing();
        assertEquals(Optional.of(list), check(list).map(GatewayAddresses::toString));
        assertEquals("", err.toString());
    }

    @Test
    void noneReadyIsEmptyWithEachOnesReason() throws IOException {
        String down = refusing();
        assertEquals(Optional.empty(), check(down + "," + url(starting)));
        assertTrue(err.toString().contains("the gateway at " + down + " does not answer (Connection refused); start the stack"), err.toString());
        assertTrue(err.toString().contains("the gateway at " + url(starting) + " is not ready (503)"), err.toString());
    }
}
