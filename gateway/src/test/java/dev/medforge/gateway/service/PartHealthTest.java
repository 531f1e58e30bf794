package dev.medforge.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartHealthTest {

    @Test
    void aReadyPartIsUpANotReadyOneDownAndASilentOneUnreachable() throws Exception {
        HttpServer ready = server(200);
        HttpServer notReady = server(503);
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try {
            List<PartHealth.Part> parts = new PartHealth().probe(Map.of(
                    "registry-service", url(ready), "eval-service", url(notReady), "merge-service", URI.create("http://127.0.0.1:" + closed)));

            assertEquals(List.of("eval-service", "merge-service", "registry-service"), parts.stream().map(PartHealth.Part::name).toList());
            assertEquals("DOWN", parts.get(0).status());
            assertEquals("HTTP 503", parts.get(0).detail());
            assertEquals("UNREACHABLE", parts.get(1).status());
            assertEquals("connection refused", parts.get(1).detail());
            assertEquals("UP", parts.get(2).status());
        } finally {
            ready.stop(0);
            notReady.stop(0);
        }
    }

    private static HttpServer server(int status) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/q/health/ready", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }
}
