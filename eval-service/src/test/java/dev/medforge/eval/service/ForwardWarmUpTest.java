package dev.medforge.eval.service;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12: the service runs the forward pass once it starts and publishes the rate of its fastest pass. */
@QuarkusTest
class ForwardWarmUpTest {

    private static final Pattern RATE = Pattern.compile("(?m)^medforge_eval_warmup_rate_images_per_second(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    @Test
    void theForwardPassRunsAtStartAndItsRateIsPublished() {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Matcher rate = RATE.matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
            assertTrue(rate.find(), "no medforge_eval_warmup_rate_images_per_second yet");
            double imagesPerSecond = Double.parseDouble(rate.group(1));
            // A 28x28 ViT on any CPU of the last decade: well above a few images a second, and finite.
            assertTrue(imagesPerSecond > 10 && Double.isFinite(imagesPerSecond), "images/s " + imagesPerSecond);
        });
    }
}
