package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code --gateway} and {@code MEDFORGE_GATEWAY_URL} accept, read in the one place every option uses. */
class GatewayAddressesTest {

    @Test
    void aListIsTrimmedAndLosesTrailingSlashesInItsOrder() {
        GatewayAddresses gateways = GatewayAddresses.parse(" http://127.0.0.1:8080/ ,https://gw.example.org/medforge//,http://h:8090");
        assertEquals(List.of(URI.create("http://127.0.0.1:8080"), URI.create("https://gw.example.org/medforge"), URI.create("http://h:8090")),
                gateways.urls());
        assertEquals("http://127.0.0.1:8080,https://gw.example.org/medforge,http://h:8090", gateways.toString());
        assertEquals(gateways, GatewayAddresses.parse(gateways.toString()), "what children are given reads back the same");
    }

    @Test
    void oneUrlIsAListOfOne() {
        assertEquals(List.of(URI.create("http://127.0.0.1:8080")), GatewayAddresses.parse("http://127.0.0.1:8080/").urls());
    }

    @Test
    void anEmptyEntryIsRefusedNotSkipped() {
        for (String value : List.of("http://a:1,,http://b:2", "http://a:1,", ",http://a:1", "http://a:1, ,http://b:2", " ")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> GatewayAddresses.parse(value), value);
            assertTrue(refused.getMessage().contains("empty entry") || refused.getMessage().contains("no gateway URL"), refused.getMessage());
        }
    }

    @Test
    void onlyHttpAndHttpsUrlsWithAHostAreGateways() {
        for (String bad : List.of("ftp://127.0.0.1:8080", "127.0.0.1:8080", "http:///nohost", "file:/tmp/x", "http://a:1/?q=1")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> GatewayAddresses.parse("http://127.0.0.1:8080," + bad), bad);
            assertTrue(refused.getMessage().contains("'" + bad.replaceAll("/+$", "") + "'"), refused.getMessage());
        }
        assertEquals(URI.create("HTTPS://gw:443"), GatewayAddresses.parse("HTTPS://gw:443").first());
    }

    @Test
    void aReadyGatewayGoesFirstAndTheOthersKeepTheirOrder() {
        GatewayAddresses gateways = GatewayAddresses.parse("http://a:1,http://b:2,http://c:3");
        assertEquals("http://b:2,http://a:1,http://c:3", gateways.startingWith(URI.create("http://b:2")).toString());
    }

    @Test
    void aBadListIsAUsageErrorNamingTheOptionAndTheEntryBeforeAnythingRuns() {
        Cli.Result ftp = Cli.raw("whoami", "--gateway", "http://127.0.0.1:8080,ftp://127.0.0.1:21");
        assertEquals(2, ftp.exit(), ftp.toString());
        assertTrue(ftp.err().contains("--gateway") && ftp.err().contains("'ftp://127.0.0.1:21'"), ftp.toString());

        Cli.Result empty = Cli.raw("branch", "list", "--gateway", "http://127.0.0.1:8080,,http://127.0.0.1:8090");
        assertEquals(2, empty.exit(), empty.toString());
        assertTrue(empty.err().contains("--gateway") && empty.err().contains("empty entry"), empty.toString());

        Cli.Result demo = Cli.raw("demo", "--gateway", "gopher://x");
        assertEquals(2, demo.exit(), demo.toString());
        assertTrue(demo.err().contains("--gateway") && demo.err().contains("'gopher://x'"), demo.toString());
    }
}
