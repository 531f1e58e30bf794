package dev.medforge.pipeline;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.testing.Broker;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker that ./medforge starts takes only signed-in clients, and holds each service to its
 * own topics (infra/kafka/acls.txt): a local process without a service's password cannot put a
 * verdict or a publication on the pipeline, and a service cannot write what another owns. Nothing
 * here writes a pipeline topic successfully, so no service ever reads these probes.
 */
class BrokerAccessTest {

    private static final String FORGED = "{\"forged\":true}";

    @Test
    void aProducerWithoutCredentialsCannotPublish() {
        Map<String, Object> config = producer(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, Broker.BOOTSTRAP));
        try (KafkaProducer<String, String> anonymous = new KafkaProducer<>(config)) {
            Exception refused = assertThrows(Exception.class,
                    () -> anonymous.send(new ProducerRecord<>(Topics.MODEL_PUBLISHED, "forged", FORGED)).get(20, TimeUnit.SECONDS));
            // A plaintext client gets no answer it can read from a SASL listener: its metadata request times out.
            assertTrue(chain(refused).contains("TimeoutException"), "expected a timeout, got " + chain(refused));
        }
    }

    @Test
    void aServiceWithAWrongPasswordIsTurnedAway() {
        try (KafkaProducer<String, String> impostor = new KafkaProducer<>(producer(Broker.as("svc-registry", "guessed", Map.of())))) {
            Exception refused = assertThrows(Exception.class,
                    () -> impostor.send(new ProducerRecord<>(Topics.MODEL_PUBLISHED, "forged", FORGED)).get(20, TimeUnit.SECONDS));
            assertTrue(chain(refused).contains(SaslAuthenticationException.class.getSimpleName()),
                    "expected an authentication failure, got " + chain(refused));
        }
    }

    @Test
    void theEvalServiceCannotPublishAModelNorReadWhatItDoesNotConsume() {
        try (KafkaProducer<String, String> eval = new KafkaProducer<>(producer(Broker.as("svc-eval", Map.of())))) {
            Exception refused = assertThrows(Exception.class,
                    () -> eval.send(new ProducerRecord<>(Topics.MODEL_PUBLISHED, "forged", FORGED)).get(20, TimeUnit.SECONDS));
            assertTrue(chain(refused).contains(TopicAuthorizationException.class.getSimpleName()),
                    "expected the topic to be refused to svc-eval, got " + chain(refused));
        }
        Map<String, Object> reader = Broker.as("svc-eval", Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
        try (KafkaConsumer<String, String> eval = new KafkaConsumer<>(reader)) {
            // Its own input it may read: the same credentials are right, only the topic differs.
            assertFalse(eval.partitionsFor(Topics.COMPOSITE_CREATED, Duration.ofSeconds(20)).isEmpty());
            assertThrows(TopicAuthorizationException.class, () -> eval.partitionsFor(Topics.ADAPTER_SUBMITTED, Duration.ofSeconds(20)));
        }
    }

    @Test
    void theIngestServiceCannotWriteAVerdict() {
        try (KafkaProducer<String, String> ingest = new KafkaProducer<>(producer(Broker.as("svc-ingest", Map.of())))) {
            Exception refused = assertThrows(Exception.class,
                    () -> ingest.send(new ProducerRecord<>(Topics.COMPOSITE_EVALUATED, "forged", FORGED)).get(20, TimeUnit.SECONDS));
            assertEquals(TopicAuthorizationException.class, rootCause(refused).getClass(), chain(refused));
        }
    }

    private static Map<String, Object> producer(Map<String, Object> signIn) {
        Map<String, Object> config = new HashMap<>(signIn);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        config.put(ProducerConfig.RETRIES_CONFIG, "0");
        return config;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String chain(Throwable failure) {
        StringBuilder names = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            names.append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(" <- ");
        }
        return names.toString();
    }
}
