package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-in (in the browser by the device grant, or by password), the token cache and its refresh,
 * bots, and the auth and network exit codes, on the real Keycloak.
 */
@ExtendWith(GatewayStack.class)
class LoginTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LINK = Pattern.compile("open this link in a browser:\\s+(\\S+)");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path config;

    Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(config, GatewayStack.gatewayUrl());
    }

    @Test
    void loginCachesTheTokensOwnerOnlyAndLaterCommandsUseThem() throws IOException {
        Cli.Result login = cli.login("hospital-a");
        assertEquals(0, login.exit(), login.toString());
        assertTrue(login.out().contains("institution hospital-a"), login.toString());
        Path cache = tokenFile("hospital-a");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(cache.getParent())));

        Cli.Result whoami = cli.run("hospital-a", "whoami");
        assertEquals(0, whoami.exit(), whoami.toString());
        assertTrue(whoami.line().startsWith("hospital-a (institution hospital-a; roles "), whoami.toString());
        assertTrue(whoami.line().contains("contributor"), whoami.toString());
    }

    @Test
    void anExpiredAccessTokenIsRefreshedAndTheCacheRewritten() throws IOException {
        assertEquals(0, cli.login("hospital-b").exit());
        ObjectNode cached = edit("hospital-b", t -> t.put("expiresAt", Instant.now().getEpochSecond() - 5));
        Cli.Result whoami = cli.run("hospital-b", "whoami");
        assertEquals(0, whoami.exit(), whoami.toString());
        ObjectNode refreshed = read("hospital-b");
        assertNotEquals(cached.get("accessToken").asText(), refreshed.get("accessToken").asText());
        assertTrue(refreshed.get("expiresAt").asLong() > Instant.now().getEpochSecond() + 60, refreshed.toString());

        // Within the 30 s margin counts as expired too.
        edit("hospital-b", t -> t.put("expiresAt", Instant.now().getEpochSecond() + 10));
        assertEquals(0, cli.run("hospital-b", "whoami").exit());
        assertNotEquals(refreshed.get("accessToken").asText(), read("hospital-b").get("accessToken").asText());
    }

    @Test
    void aRefreshThatFailsOrNoLoginAtAllAsksToLogIn() throws IOException {
        Cli.Result none = cli.run("nobody", "whoami");
        assertEquals(3, none.exit(), none.toString());
        assertTrue(none.err().contains("not signed in") && none.err().contains("run medforge login"), none.toString());

        assertEquals(0, cli.login("hospital-c").exit());
        edit("hospital-c", t -> t.put("expiresAt", 1).put("refreshToken", "not-a-refresh-token"));
        Cli.Result failed = cli.run("hospital-c", "whoami");
        assertEquals(3, failed.exit(), failed.toString());
        assertTrue(failed.err().contains("run medforge login"), failed.toString());
        assertFalse(failed.err().contains("Exception"), "no stack trace: " + failed);
    }

    @Test
    void aWrongPasswordIsExit3AndCachesNothing() {
        Cli.Result login = cli.run("hospital-a", "login", "--username", "hospital-a", "--password", "wrong");
        assertEquals(3, login.exit(), login.toString());
        assertTrue(login.err().contains("Invalid user credentials"), login.toString());
        assertFalse(Files.exists(tokenFile("hospital-a")));
    }

    @Test
    void thePasswordCanComeFromStdin() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream((Cli.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8)));
            Cli.Result login = cli.run("viewer", "login", "--username", "viewer", "--password-stdin");
            assertEquals(0, login.exit(), login.toString());
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, cli.run("viewer", "whoami").exit());
    }

    @Test
    void logoutDeletesTheCacheAndEndsTheSessionAtTheProvider() throws IOException {
        assertEquals(0, cli.login("ops").exit());
        String before = Files.readString(tokenFile("ops"));
        Cli.Result logout = cli.run("ops", "logout");
        assertEquals(0, logout.exit(), logout.toString());
        assertFalse(Files.exists(tokenFile("ops")));
        assertEquals(3, cli.run("ops", "whoami").exit());

        // A copy of the old cache is worthless: its refresh token died with the session.
        Files.writeString(tokenFile("ops"), before);
        edit("ops", t -> t.put("expiresAt", 1));
        Cli.Result copied = cli.run("ops", "whoami");
        assertEquals(3, copied.exit(), copied.toString());
    }

    @Test
    void botsUseClientCredentialsWithoutALogin() {
        Cli.Result bot = cli.run("unused", "whoami", "--client-id", "hospital-b-bot", "--client-secret", "hospital-b-bot-dev-secret");
        assertEquals(0, bot.exit(), bot.toString());
        assertTrue(bot.line().contains("institution hospital-b"), bot.toString());

        Cli.Result wrong = cli.run("unused", "whoami", "--client-id", "hospital-b-bot", "--client-secret", "nope");
        assertEquals(3, wrong.exit(), wrong.toString());
        Cli.Result noSecret = cli.run("unused", "whoami", "--client-id", "hospital-b-bot");
        assertEquals(2, noSecret.exit(), noSecret.toString());
    }

    @Test
    void anUnreachableGatewayIsExit5WithoutAStackTrace() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Cli.Result result = cli.withGateway("http://127.0.0.1:" + closed).run("unused", "whoami",
                "--client-id", "hospital-a-bot", "--client-secret", "hospital-a-bot-dev-secret");
        assertEquals(5, result.exit(), result.toString());
        assertTrue(result.err().contains("cannot reach the gateway"), result.toString());
        assertFalse(result.err().contains("\tat "), "no stack trace: " + result);
    }

    private Path tokenFile(String profile) {
        return config.resolve("tokens").resolve(profile + ".json");
    }

    private ObjectNode read(String profile) throws IOException {
        return (ObjectNode) JSON.readTree(tokenFile(profile).toFile());
    }

    private ObjectNode edit(String profile, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode tokens = read(profile);
        ObjectNode before = tokens.deepCopy();
        change.accept(tokens);
        JSON.writeValue(tokenFile(profile).toFile(), tokens);
        return before;
    }

    @Test
    void aPersonWhoSignsInInTheBrowserIsSignedInOnTheCommandLine() throws Exception {
        Cli.Background login = cli.start("hospital-a", "login");
        String page = new KeycloakBrowser().signIn(link(login), "hospital-a", Cli.PASSWORD, true);
        assertTrue(page.contains("Device Login Successful"), page);

        Cli.Result result = login.await(WAIT);
        assertEquals(0, result.exit(), result.toString());
        assertTrue(result.out().contains("signed in as hospital-a (institution hospital-a"), result.toString());
        Cli.Result whoami = cli.run("hospital-a", "whoami");
        assertEquals(0, whoami.exit(), whoami.toString());
        assertTrue(whoami.line().startsWith("hospital-a (institution hospital-a; roles "), whoami.toString());
    }

    @Test
    void aPersonWhoRefusesAccessInTheBrowserGetsExit3AndNoTokens() throws Exception {
        Cli.Background login = cli.start("hospital-b", "login");
        new KeycloakBrowser().signIn(link(login), "hospital-b", Cli.PASSWORD, false);

        Cli.Result result = login.await(WAIT);
        assertEquals(3, result.exit(), result.toString());
        assertTrue(result.err().contains("device sign-in was refused in the browser"), result.toString());
        assertFalse(result.err().contains("Exception"), "no stack trace: " + result);
        assertFalse(Files.exists(tokenFile("hospital-b")));
    }

    @Test
    void aUsernameWithoutAPasswordSourceIsAUsageError() {
        Cli.Result result = cli.run("hospital-c", "login", "--username", "hospital-c");
        assertEquals(2, result.exit(), result.toString());
        assertTrue(result.err().contains("--username is for the password grant"), result.toString());
    }

    private static String link(Cli.Background login) throws InterruptedException {
        login.awaitErr("Waiting for you to sign in", WAIT);
        Matcher m = LINK.matcher(login.err());
        assertTrue(m.find(), login.err().toString());
        assertTrue(m.group(1).startsWith(Cli.ISSUER + "/device?user_code="), m.group(1));
        return m.group(1);
    }
}
