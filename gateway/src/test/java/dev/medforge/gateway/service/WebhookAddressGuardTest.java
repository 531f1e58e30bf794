package dev.medforge.gateway.service;

import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.service.WebhookAddressGuard.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Literal addresses and {@code localhost} only, so that no lookup leaves the machine. */
class WebhookAddressGuardTest {

    private final WebhookAddressGuard guard = new WebhookAddressGuard(new HostResolver.Jvm(), Set.of());

    @ParameterizedTest
    @CsvSource({
            "http://127.0.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://127.8.9.10/hook, WEBHOOK_URL_INTERNAL",
            "http://localhost:8081/api/v1/branches, WEBHOOK_URL_INTERNAL",
            "http://LOCALHOST/hook, WEBHOOK_URL_INTERNAL",
            "http://[::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://0.0.0.0/hook, WEBHOOK_URL_INTERNAL",
            "http://[::]/hook, WEBHOOK_URL_INTERNAL",
            "http://10.0.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://172.16.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://172.31.255.255/hook, WEBHOOK_URL_INTERNAL",
            "http://192.168.1.1/hook, WEBHOOK_URL_INTERNAL",
            "http://100.64.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://169.254.169.254/latest/meta-data, WEBHOOK_URL_INTERNAL",
            "http://224.0.0.1/hook, WEBHOOK_URL_INTERNAL",
            "http://255.255.255.255/hook, WEBHOOK_URL_INTERNAL",
            "http://[fc00::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[fd12:3456::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[fe80::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[ff02::1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[::ffff:127.0.0.1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[::ffff:7f00:1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[::ffff:169.254.169.254]/hook, WEBHOOK_URL_INTERNAL",
            "http://[::127.0.0.1]/hook, WEBHOOK_URL_INTERNAL",
            "http://[64:ff9b::10.0.0.1]/hook, WEBHOOK_URL_INTERNAL",
            "http://2130706433/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://0x7f000001/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://0x7F.0.0.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://0177.0.0.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://127.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://127.0.1/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://127.0.0.1./hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://093.184.216.34/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://1572395042/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://example.0x7f/hook, WEBHOOK_URL_NUMERIC_HOST",
            "http://user@93.184.216.34/hook, WEBHOOK_URL_USERINFO",
            "http://user:secret@93.184.216.34/hook, WEBHOOK_URL_USERINFO",
            "http://93.184.216.34:80@127.0.0.1/hook, WEBHOOK_URL_USERINFO",
            "http://user@127.1/hook, WEBHOOK_URL_USERINFO",
            "ftp://93.184.216.34/hook, URL_FORMAT",
            "http:/hook, URL_FORMAT",
            "http://93.184.216.34:99999/hook, URL_FORMAT",
            "http://exa%41mple.com/hook, URL_FORMAT",
    })
    void anInternalOrDisguisedAddressIsRefusedNamingTheRuleAndTheField(String url, String rule) {
        GatewayException refused = assertThrows(GatewayException.class, () -> guard.admit(url));

        assertEquals(400, refused.problem().status());
        assertEquals(rule, refused.problem().errors().get(0).code(), refused.problem().detail());
        assertEquals("url", refused.problem().errors().get(0).field());
    }

    @ParameterizedTest
    @CsvSource({"http://93.184.216.34/hook", "https://93.184.216.34:8443/hook", "http://[2606:2800:220:1:248:1893:25c8:1946]/hook",
            "http://[::ffff:93.184.216.34]/hook", "http://172.32.0.1/hook", "http://100.128.0.1/hook", "http://11.0.0.1/hook"})
    void aPublicAddressIsAdmitted(String url) {
        assertEquals(URI.create(url), guard.admit(url));
    }

    @Test
    void theRefusalNamesTheAddressAndItsRange() {
        Optional<Refusal> refusal = guard.refusal(URI.create("http://169.254.169.254/latest"));

        assertTrue(refusal.orElseThrow().reason().contains("169.254.169.254"), refusal.toString());
        assertTrue(refusal.orElseThrow().reason().contains("link-local"), refusal.toString());
        assertTrue(refusal.orElseThrow().lasting());
    }

    @Test
    void anAllowedInternalHostPassesAndNoOtherDoes() {
        WebhookAddressGuard allowing = new WebhookAddressGuard(new HostResolver.Jvm(), Set.of("127.0.0.2"));

        assertEquals(Optional.empty(), allowing.refusal(URI.create("http://127.0.0.2:9000/hook")));
        assertEquals("WEBHOOK_URL_INTERNAL", allowing.refusal(URI.create("http://127.0.0.1:9000/hook")).orElseThrow().rule());
        assertEquals("WEBHOOK_URL_NUMERIC_HOST", allowing.refusal(URI.create("http://127.2/hook")).orElseThrow().rule());
    }

    @Test
    void aNameIsJudgedByEveryAddressItResolvesToAtEachCheck() throws Exception {
        Deque<List<InetAddress>> answers = new ArrayDeque<>(List.of(
                List.of(InetAddress.getByName("93.184.216.34")),
                List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3"))));
        WebhookAddressGuard rebinding = new WebhookAddressGuard(host -> answers.removeFirst(), Set.of());
        URI url = URI.create("https://hooks.example.com/medforge");

        assertEquals(url, rebinding.admit(url.toString()));
        Refusal later = rebinding.refusal(url).orElseThrow();
        assertEquals("WEBHOOK_URL_INTERNAL", later.rule());
        assertTrue(later.reason().contains("10.1.2.3"), later.reason());
    }

    @Test
    void aNameThatDoesNotResolveIsRefusedForNowOnly() {
        Refusal refusal = new WebhookAddressGuard(host -> List.of(), Set.of())
                .refusal(URI.create("https://hooks.example.com/medforge")).orElseThrow();

        assertEquals("WEBHOOK_URL_UNRESOLVED", refusal.rule());
        assertTrue(!refusal.lasting());
    }
}
