package dev.medforge.contracts.testing;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventData;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.messaging.CloudEventsStructuredMode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Reads a topic of the real broker from "now" on, for tests that check what a service emitted.
 * It assigns every partition and pins the position at the end before the test acts, so nothing
 * emitted afterwards can be missed and nothing from earlier runs is seen.
 */
public final class TopicProbe implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> seen = new ArrayList<>();

    private TopicProbe(String topic) {
        consumer = new KafkaConsumer<>(Broker.asAdmin(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")));
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist: run ./medforge test, which creates the topics");
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    public static TopicProbe tail(String topic) {
        return new TopicProbe(topic);
    }

    /** Waits for the first record after the probe started that matches, and fails the test on timeout. */
    public ConsumerRecord<String, String> await(Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (match.test(seen.get(checked))) {
                    return seen.get(checked);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("no matching record within " + timeout + "; saw " + seen.size() + " records: " + seen);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        }
    }

    /** Waits for an event whose data matches; records that are not events do not match. */
    public <T extends EventData> EventEnvelope<T> awaitEvent(Class<T> type, Predicate<T> match, Duration timeout) {
        ConsumerRecord<String, String> record = await(r -> decodes(r.value(), type, match), timeout);
        return EventCodec.decode(record.value(), type);
    }

    /** Everything read so far; call after an await to check what else arrived. */
    public List<ConsumerRecord<String, String>> seen() {
        consumer.poll(Duration.ofMillis(500)).forEach(seen::add);
        return List.copyOf(seen);
    }

    /** Sends one record and waits until the broker acknowledged it. */
    public static void send(String topic, String key, String value) {
        send(topic, key, value, Map.of());
    }

    /** Sends one record with {@code headers} (a DLQ record's reason, say) and waits until the broker acknowledged it. */
    public static void send(String topic, String key, String value, Map<String, String> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach((name, text) -> recordHeaders.add(name, text.getBytes(StandardCharsets.UTF_8)));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Broker.asAdmin(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                // Marked as the services mark theirs, so every consumer test also reads the CloudEvents header.
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, CloudEventsStructuredMode.class.getName(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))) {
            producer.send(new ProducerRecord<>(topic, null, key, value, recordHeaders)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker at " + Broker.BOOTSTRAP + " did not take the record", e);
        }
    }

    public static void send(String topic, EventEnvelope<?> envelope) {
        send(topic, envelope.subject(), EventCodec.encode(envelope));
    }

    /**
     * Sends events with one subject as one record batch: the producer lingers until the flush, and one
     * key is one partition, so a consumer's poll returns all of them or none. A test of what a worker
     * does with a batch then does not depend on when its poll happened to fall.
     */
    public static void sendTogether(String topic, List<EventEnvelope<?>> envelopes) {
        if (envelopes.stream().map(EventEnvelope::subject).distinct().count() != 1) {
            throw new IllegalArgumentException("one record batch is one partition: the events need one subject");
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Broker.asAdmin(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "60000",
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(4 << 20),
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, CloudEventsStructuredMode.class.getName(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))) {
            List<Future<?>> sent = envelopes.stream()
                    .<Future<?>>map(e -> producer.send(new ProducerRecord<>(topic, e.subject(), EventCodec.encode(e))))
                    .toList();
            producer.flush();
            for (Future<?> record : sent) {
                record.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker at " + Broker.BOOTSTRAP + " did not take the records", e);
        }
    }

    private static <T extends EventData> boolean decodes(String json, Class<T> type, Predicate<T> match) {
        try {
            return match.test(EventCodec.decode(json, type).data());
        } catch (RuntimeException notThisEvent) {
            return false;
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
