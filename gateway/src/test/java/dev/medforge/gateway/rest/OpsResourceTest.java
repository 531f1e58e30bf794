package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.testing.Broker;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.GatewayFixtures;
import dev.medforge.gateway.KeycloakTokens;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.service.DeadLetterService;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
        try (KafkaConsumer<String, String> worker = GatewayFixtures.mergeWorkerStandIn(config.mergeWorkersGroup(), clientId)) {
            given().auth().oauth2(KeycloakTokens.userToken("ops")).get("/api/v1/ops/merge-workers").then()
                    .statusCode(200)
                    .body("group", is(config.mergeWorkersGroup()))
                    .body("state", is("Stable"))
                    .body("members.clientId", hasItem(clientId))
                    .body("members[0].partitions.size()", greaterThan(0))
                    .body("members[0].partitions[0].topic", is(Topics.ADAPTER_VALIDATED));
        }
    }

    /**
     * The registry times how long each evaluated composite queued for it; the gateway reads that from
     * the registry's metrics. No ingest service runs beside the gateway's tests, so it is named unread.
     */
    @Test
    void theOperatorReadsQueueWaitsAndStageTimesFromThePartsMetrics() {
        String ops = KeycloakTokens.userToken("ops");
        String evaluated = "queueWaits.find { it.name == '" + Topics.COMPOSITE_EVALUATED + "' }";
        int before = given().auth().oauth2(ops).get("/api/v1/ops/timings").then().statusCode(200)
                .extract().jsonPath().getInt(evaluated + "?.count ?: 0");
        AdapterRef adapter = new AdapterRef("sub-" + UUID.randomUUID(), "hospital-a", "tops", GatewayFixtures.DIGEST,
                GatewayFixtures.DIGEST, GatewayFixtures.DIGEST);
        GatewayFixtures.publish(GatewayFixtures.newBranch(), 0, "fusion", List.of(adapter), Map.of(), Map.of());

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(ops).get("/api/v1/ops/timings").then()
                .statusCode(200)
                .body(evaluated + ".count", greaterThan(before))
                .body(evaluated + ".p95Seconds", notNullValue())
                .body("unread", hasItem(startsWith("adapter-ingest-service: "))));
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/ops/timings").then()
                .statusCode(403).contentType("application/problem+json");
    }

    @Test
    void onlyTheOperatorMayLook() {
        given().auth().oauth2(KeycloakTokens.userToken("hospital-a")).get("/api/v1/ops/merge-workers").then()
                .statusCode(403).contentType("application/problem+json");
    }

    /**
     * A status event of a submission of the test's own, dead-lettered with a reason, and beside it a
     * record naming the same submission that is no event at all: the first goes back to its topic once,
     * with its value, key and event id unchanged; the second is never sent.
     */
    @Test
    void theOperatorListsADlqAndReplaysEachEventOnce() throws Exception {
        String submission = "dlq-" + UUID.randomUUID();
        EventEnvelope<SubmissionStatus> event = EventEnvelope.wrap("gateway-test",
                new SubmissionStatus(submission, "hospital-a", "gw-dlq", SubmissionStatus.Stage.RECEIVED, "dead-lettered by the test"));
        String value = EventCodec.encode(event);
        String dlq = Topics.deadLetter(Topics.SUBMISSION_STATUS);
        deadLetter(dlq, event.subject(), value);
        deadLetter(dlq, "gw-dlq", "{\"data\":{\"submissionId\":\"" + submission + "\"}}");
        String ops = KeycloakTokens.userToken("ops");

        given().auth().oauth2(ops).queryParam("topic", Topics.SUBMISSION_STATUS).queryParam("submission", submission)
                .get("/api/v1/ops/dlq").then()
                .statusCode(200)
                .body("deadLetterTopic", is(dlq))
                .body("records.size()", is(2))
                .body("records[0].eventId", is(event.id()))
                .body("records[0].eventType", is(Topics.SUBMISSION_STATUS))
                .body("records[0].key", is(event.subject()))
                .body("records[0].reason", is("the test put it here"))
                .body("records[0].submissionIds", contains(submission))
                .body("records[0].replayedAs", nullValue())
                .body("records[1].eventId", nullValue())
                .body("records[1].undecodable", startsWith("not an event of " + Topics.SUBMISSION_STATUS));

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            given().auth().oauth2(ops).contentType(ContentType.JSON)
                    .body(Map.of("topic", Topics.SUBMISSION_STATUS, "submission", submission))
                    .post("/api/v1/ops/dlq/replay").then()
                    .statusCode(200)
                    .body("replayed.eventId", contains(event.id()))
                    .body("skipped.reason", contains(DeadLetterService.MALFORMED));
            ConsumerRecord<String, String> replayed = status.await(r -> value.equals(r.value()), Duration.ofSeconds(30));
            assertEquals(event.subject(), replayed.key());
            assertEquals(dlq + "/", new String(replayed.headers().lastHeader(DeadLetterService.REPLAY_HEADER).value(),
                    StandardCharsets.UTF_8).replaceAll("[0-9]+/[0-9]+$", ""));

            given().auth().oauth2(ops).contentType(ContentType.JSON)
                    .body(Map.of("topic", Topics.SUBMISSION_STATUS, "submission", submission))
                    .post("/api/v1/ops/dlq/replay").then()
                    .statusCode(200)
                    .body("replayed", empty())
                    .body("skipped.reason", contains(DeadLetterService.ALREADY_REPLAYED, DeadLetterService.MALFORMED));
            assertEquals(1, status.seen().stream().filter(r -> r.value().contains(submission)).count(), "sent once");
        }
        given().auth().oauth2(ops).queryParam("topic", Topics.SUBMISSION_STATUS).queryParam("submission", submission)
                .get("/api/v1/ops/dlq").then()
                .statusCode(200).body("records[0].replayedAs", startsWith(Topics.SUBMISSION_STATUS + "/"));
    }

    @Test
    void onlyTheOperatorMayReadOrReplayADlq() {
        String contributor = KeycloakTokens.userToken("hospital-a");
        given().auth().oauth2(contributor).queryParam("topic", Topics.ADAPTER_VALIDATED).get("/api/v1/ops/dlq").then()
                .statusCode(403).contentType("application/problem+json");
        given().auth().oauth2(contributor).contentType(ContentType.JSON).body(Map.of("topic", Topics.ADAPTER_VALIDATED))
                .post("/api/v1/ops/dlq/replay").then()
                .statusCode(403).contentType("application/problem+json");
    }

    @Test
    void aTopicOutsideThePipelineIsAProblemNamingIt() {
        String ops = KeycloakTokens.userToken("ops");
        given().auth().oauth2(ops).queryParam("topic", Topics.deadLetter(Topics.ADAPTER_VALIDATED)).get("/api/v1/ops/dlq").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_TOPIC")).body("errors[0].field", is("topic"));
        given().auth().oauth2(ops).get("/api/v1/ops/dlq").then()
                .statusCode(400).body("errors[0].code", is("REQUIRED")).body("errors[0].field", is("topic"));
        given().auth().oauth2(ops).contentType(ContentType.JSON).body(Map.of("submission", "s-1"))
                .post("/api/v1/ops/dlq/replay").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("REQUIRED")).body("errors[0].field", is("topic"));
        given().auth().oauth2(ops).contentType(ContentType.JSON).body(Map.of("topic", "medforge.nothing"))
                .post("/api/v1/ops/dlq/replay").then()
                .statusCode(400).contentType("application/problem+json")
                .body("errors[0].code", is("UNKNOWN_TOPIC")).body("errors[0].field", is("topic"));
    }

    /** As a consumer's dead-letter strategy writes it: the original key and value, and why. */
    private static void deadLetter(String dlq, String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Broker.asAdmin(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))) {
            producer.send(new ProducerRecord<>(dlq, null, key, value, new RecordHeaders()
                    .add(DeadLetters.REASON_HEADER, "the test put it here".getBytes(StandardCharsets.UTF_8)))).get(30, TimeUnit.SECONDS);
        }
    }
}
