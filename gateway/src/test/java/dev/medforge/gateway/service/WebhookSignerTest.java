package dev.medforge.gateway.service;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookSignerTest {

    /** The example the Standard Webhooks reference libraries are tested with: a receiver's library must agree with us. */
    @Test
    void theStandardWebhooksExampleSignsToItsPublishedValue() {
        String signature = WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    @Test
    void aNewSecretIsWhsecAndThirtyTwoKeyBytesThatSignAsAReceiverChecks() throws Exception {
        String secret = WebhookSigner.newSecret(new SecureRandom());
        assertTrue(secret.startsWith("whsec_"), secret);
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        assertEquals(32, key.length);

        byte[] body = "{\"branch\":\"main\"}".getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(
                ("evt-1.1700000000." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, WebhookSigner.sign(secret, "evt-1", 1700000000L, body));
    }

    @Test
    void theTimestampIsSignedSoAReplayWithAnotherTimeFails() {
        String secret = WebhookSigner.newSecret(new SecureRandom());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        assertNotEquals(WebhookSigner.sign(secret, "evt-1", 1700000000L, body), WebhookSigner.sign(secret, "evt-1", 1700000001L, body));
    }
}
