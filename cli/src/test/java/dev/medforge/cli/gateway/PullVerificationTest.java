package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What pull does when the bytes are not what they claim to be. The real gateway checks its store
 * before serving, so it cannot be made to lie: a small server of the test's own plays a gateway
 * whose model card, headers and bytes disagree. The token is still a real one, from Keycloak.
 */
class PullVerificationTest {

    private static final byte[] GOOD = "the published composite".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BAD = "the published composite, tampered".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    HttpServer server;
    /** What the fake gateway serves: the card's digest, the ETag's, the Digest header's, and the bytes. */
    volatile List<Object> serving;

    @BeforeEach
    void fakeGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/branches/b/versions/1", exchange -> {
            boolean artifact = exchange.getRequestURI().getPath().endsWith("/artifact");
            byte[] body = artifact ? (byte[]) serving.get(3)
                    : ("{\"branch\":\"b\",\"version\":1,\"artifact\":\"" + serving.get(0) + "\"}").getBytes(StandardCharsets.UTF_8);
            if (artifact) {
                exchange.getResponseHeaders().add("ETag", "\"" + serving.get(1) + "\"");
                exchange.getResponseHeaders().add("Digest", "sha-256=" + base64(serving.get(2).toString()));
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void matchingDigestsDownload() throws IOException {
        serving = List.of(sha256(GOOD), sha256(GOOD), sha256(GOOD), GOOD);
        Cli.Result pulled = pull();
        assertEquals(0, pulled.exit(), pulled.toString());
        assertArrayEquals(GOOD, Files.readAllBytes(dir.resolve("out/b-v1.safetensors")));
    }

    @Test
    void bytesThatDoNotHashToTheAnnouncedDigestAreExit5AndLeaveNothing() throws IOException {
        serving = List.of(sha256(GOOD), sha256(GOOD), sha256(GOOD), BAD);
        assertRefused("the downloaded bytes hash to " + sha256(BAD));
    }

    @Test
    void headersThatContradictTheModelCardAreExit5AndLeaveNothing() throws IOException {
        serving = List.of(sha256(GOOD), sha256(BAD), sha256(GOOD), GOOD);
        assertRefused("the ETag header says " + sha256(BAD));
        serving = List.of(sha256(GOOD), sha256(GOOD), sha256(BAD), GOOD);
        assertRefused("the Digest header says " + sha256(BAD));
    }

    private void assertRefused(String why) throws IOException {
        Cli.Result pulled = pull();
        assertEquals(5, pulled.exit(), pulled.toString());
        assertTrue(pulled.err().contains("digest mismatch") && pulled.err().contains(why), pulled.toString());
        assertEquals("", pulled.out());
        Path out = dir.resolve("out");
        if (Files.exists(out)) {
            try (var files = Files.list(out)) {
                assertEquals(List.of(), files.toList(), "nothing left as if good");
            }
        }
    }

    private Cli.Result pull() {
        return new Cli(dir.resolve("config"), "http://127.0.0.1:" + server.getAddress().getPort()).run("unused", "pull",
                "--branch", "b", "--version", "1", "--out", dir.resolve("out").toString(),
                "--client-id", "hospital-a-bot", "--client-secret", "hospital-a-bot-dev-secret");
    }

    private static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String digest) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest.substring("sha256:".length())));
    }
}
