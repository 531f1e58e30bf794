package dev.medforge.gateway;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.Broker;
import dev.medforge.contracts.testing.TopicProbe;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Branches and submission parts for the gateway's tests; each test works on a branch of its own. */
public final class GatewayFixtures {

    public static final String DIGEST = "sha256:" + "cd".repeat(32);

    private GatewayFixtures() {
    }

    /** Plays merge and eval: a passing composite adding {@code adapters} on top of {@code parent}. */
    public static void publish(String branch, int parent, String strategy, List<AdapterRef> adapters, Map<String, Double> coefficients,
                               Map<String, TaskMetrics> metrics) {
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch,
                parent, strategy, DIGEST, adapters, coefficients, metrics, Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()))));
    }

    /** Plays merge and eval for a fused composite of {@code adapter} alone on {@code parent} that fails the gate for {@code reason}. */
    public static void failGate(String branch, int parent, AdapterRef adapter, String reason) {
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch,
                parent, "fusion", DIGEST, List.of(adapter), Map.of(), Map.of(), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(false, List.of(reason)))));
    }

    /**
     * Plays merge and eval for a mixture: a passing composite stored as {@code artifact}, adding
     * {@code adapters} on top of {@code parent} and taking out {@code withdrawn}.
     */
    public static void publish(String branch, int parent, String artifact, List<AdapterRef> adapters, List<AdapterRef> withdrawn) {
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch,
                parent, "mixture", artifact, adapters, Map.of(), Map.of(), Map.of("tops", new TaskMetrics(0.9, 0.95, 2000)), Map.of(), Map.of(),
                new CompositeEvaluated.GateDecision(true, List.of()), withdrawn)));
    }

    /** A plain consumer standing in for a merge worker: {@link #consumerStandIn} on the validated topic. */
    public static KafkaConsumer<String, String> mergeWorkerStandIn(String group, String clientId) {
        return consumerStandIn(group, clientId, Topics.ADAPTER_VALIDATED);
    }

    /**
     * A plain consumer standing in for a service's: joined to {@code group} on {@code topic}, with
     * its partitions assigned when this returns. Close it to leave the group.
     */
    public static KafkaConsumer<String, String> consumerStandIn(String group, String clientId, String topic) {
        KafkaConsumer<String, String> worker = new KafkaConsumer<>(Broker.asAdmin(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())));
        worker.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            worker.poll(Duration.ofMillis(200));
            return !worker.assignment().isEmpty();
        });
        return worker;
    }

    /** Registers a fresh branch through the gateway, as the operator would. */
    public static String newBranch() {
        return newBranch("gw-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public static String newBranch(String branch) {
        given().auth().oauth2(KeycloakTokens.userToken("ops"))
                .contentType(ContentType.JSON)
                .body(Map.of("id", branch,
                        "baseModel", Map.of("id", "vit-tiny-gateway-test", "digest", DIGEST, "architecture", "{\"width\":64}")))
                .post("/api/v1/branches")
                .then().statusCode(201);
        return branch;
    }

    /** The smallest file that looks like safetensors: one f32 tensor, padded to {@code size} bytes when larger. */
    public static byte[] safetensors(int size) {
        byte[] header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(size, 8 + header.length + 4)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(header.length).put(header);
        return buffer.array();
    }

    public static byte[] json(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A complete, well-formed submission for {@code task}; override a part by passing it again. */
    public static RequestSpecification submission(String token, String task, Map<String, byte[]> overrides) {
        Map<String, byte[]> parts = new LinkedHashMap<>(Map.of(
                "manifest", json("{\"task\":\"" + task + "\",\"description\":\"gateway test\"}"),
                "adapter_config", json("{\"r\":8,\"lora_alpha\":8,\"target_modules\":[\"q_proj\",\"v_proj\"]}"),
                "adapter_model", safetensors(64),
                "distilled", safetensors(64),
                "privacy_report", json("{\"nearestNeighbour\":[]}")));
        parts.putAll(overrides);
        RequestSpecification request = given().auth().oauth2(token).contentType("multipart/form-data");
        parts.forEach((name, bytes) -> request.multiPart(name, name + ".bin", bytes, "application/octet-stream"));
        return request;
    }
}
