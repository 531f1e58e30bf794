package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A list of gateways on the command line, against the real gateway and ports where nothing listens. */
@ExtendWith(GatewayStack.class)
class GatewayFailoverTest {

    @TempDir
    Path config;

    Cli cli;

    @BeforeEach
    void signIn() {
        cli = new Cli(config, GatewayStack.gatewayUrl());
        assertEquals(0, cli.login("hospital-a").exit());
    }

    @Test
    void aRefusingGatewayHandsTheCallToTheNextAndSaysSo() throws IOException {
        String dead = Cli.refusingGateway();
        String live = GatewayStack.gatewayUrl();
        Cli.Result whoami = cli.withGateway(dead + "," + live + "/").run("hospital-a", "whoami");
        assertEquals(0, whoami.exit(), whoami.toString());
        assertTrue(whoami.line().startsWith("hospital-a (institution hospital-a; roles "), whoami.toString());
        assertTrue(whoami.err().contains("medforge: gateway " + dead + " unreachable (Connection refused); using " + live + "\n"),
                whoami.toString());
    }

    @Test
    void theFirstGatewayThatAnswersIsUsedWithoutAWord() throws IOException {
        Cli.Result whoami = cli.withGateway(GatewayStack.gatewayUrl() + "," + Cli.refusingGateway()).run("hospital-a", "whoami");
        assertEquals(0, whoami.exit(), whoami.toString());
        assertFalse(whoami.err().contains("unreachable"), whoami.toString());
    }

    @Test
    void whenNoGatewayAnswersTheErrorNamesEveryOneWithTheNetworkExitCode() throws IOException {
        String first = Cli.refusingGateway();
        String second = Cli.refusingGateway();
        Cli.Result whoami = cli.withGateway(first + "," + second).run("hospital-a", "whoami");
        assertEquals(5, whoami.exit(), whoami.toString());
        assertTrue(whoami.err().contains("cannot reach any gateway (" + first + ": Connection refused; " + second + ": Connection refused)"),
                whoami.toString());
        assertTrue(whoami.err().contains("medforge: gateway " + first + " unreachable (Connection refused); using " + second), whoami.toString());
        assertFalse(whoami.err().contains("\tat "), "no stack trace: " + whoami);
    }
}
