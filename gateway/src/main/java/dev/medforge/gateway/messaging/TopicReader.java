package dev.medforge.gateway.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.medforge.gateway.config.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic as it stands, with a short-lived consumer without a group: it assigns every
 * partition and reads up to the end offsets it found at the start, so nothing is committed and no
 * consumer group moves. The gateway reads this way what it keeps no copy of: DLQs, its replay
 * markers, and the recent notifications a resuming stream asks for.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * The last {@code perPartition} records of each partition of {@code topic} (all with
     * {@link Long#MAX_VALUE}), partition by partition; none if the topic does not exist (yet).
     */
    public static List<ConsumerRecord<String, String>> read(KafkaClients clients, String clientId, String topic, long perPartition,
                                                            Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(clients, clientId)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            partitions.forEach(p -> consumer.seek(p, Math.max(starts.get(p), ends.get(p) - Math.min(perPartition, ends.get(p)))));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            Instant deadline = Instant.now().plus(timeout);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), timeout) < end.getValue())) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("the broker did not hand over " + topic + " within " + timeout);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                });
            }
            return records;
        }
    }

    /**
     * How many records each topic holds, from its offsets alone (end less beginning, summed over
     * its partitions): what a count needs without reading every record. 0 for a topic that does
     * not exist (yet).
     */
    public static Map<String, Long> sizes(KafkaClients clients, String clientId, List<String> topics, Duration timeout) {
        try (KafkaConsumer<String, String> consumer = consumer(clients, clientId)) {
            Map<String, Long> sizes = new LinkedHashMap<>();
            for (String topic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, timeout);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
                sizes.put(topic, partitions.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum());
            }
            return sizes;
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaClients clients, String clientId) {
        return new KafkaConsumer<>(clients.config(Map.of(
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())));
    }
}
