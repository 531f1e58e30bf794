import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for a Quarkus service in supervisor-test.sh: it listens where the launcher tells a
 * service to (QUARKUS_HTTP_HOST/PORT) and answers the two health endpoints; liveness turns DOWN
 * while the file named by FAKE_SICK_FILE exists, as a consumer that SmallRye stopped would.
 */
public final class FakeService {
    public static void main(String[] args) throws Exception {
        Path sick = Path.of(System.getenv("FAKE_SICK_FILE"));
        HttpServer server = HttpServer.create(new InetSocketAddress(System.getenv("QUARKUS_HTTP_HOST"),
                Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"))), 0);
        server.createContext("/q/health/live", exchange -> {
            boolean down = Files.exists(sick);
            byte[] body = ("{\"status\": \"" + (down ? "DOWN" : "UP") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(down ? 503 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/q/health/ready", exchange -> {
            byte[] body = "{\"status\": \"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }
}
