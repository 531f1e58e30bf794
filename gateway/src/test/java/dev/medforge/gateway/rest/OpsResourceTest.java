package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

/**
 * A plain consumer stands in for a merge worker: joined to the group on the validated topic, it is
 * what the operator must see. The test profile names a group of its own, so real workers keep theirs.
 */
@QuarkusTest
class OpsResourceTest {

    @Inject
    GatewayConfig config;

    @Test
    void theOperatorSeesEachWorkerWithItsPartitionsAndLag() {
        String clientId = "merge-worker-stand-in";
        try (KafkaConsumer<String, String> worker = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, config.mergeWorkersGroup(),
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            worker.subscribe(List.of(Topics.ADAPTER_VALIDATED));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                worker.poll(Duration.ofMillis(200));
                return !worker.assignment().isEmpty();
            });

            given().auth().oauth2(KeycloakTokens.userToken("ops")).get("/api/v1/ops/merge-workers").then()
                    .statusCode(200)
                    .body("group", is(config.mergeWorkersGroup()))
                    .body("state", is("Stable"))
                    .body("members.clientId", hasItem(clientId))
                    .body("members[0].partitions.size()", greaterThan(0))
                    .body("members[0].partitions[0].topic", is(Topics.ADAPTER_VALIDATED));
        }
    }

    @Test
    void onlyTheOperatorMayLook() {
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/ops/merge-workers").then()
                .statusCode(403).contentType("application/problem+json");
    }
}
