package dev.medforge.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.EventType;
import dev.medforge.contracts.events.InvalidEventException;
import dev.medforge.contracts.messaging.CloudEventsStructuredMode;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.gateway.DeadLetterQueue;
import dev.medforge.gateway.DeadLetterReplay;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.config.KafkaClients;
import dev.medforge.gateway.messaging.TopicReader;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists a topic's DLQ and sends its records back to the topic. Each read is a short-lived consumer
 * without a group that assigns every partition and reads from the beginning to the end offsets it
 * found at the start, so nothing is committed and no consumer group moves.
 *
 * <p>A replay keeps the record's value, so the event keeps its id and every consumer's deduplication
 * by id still applies: an event that was handled after all changes nothing. The gateway also notes
 * each DLQ record it replayed on a compacted marker topic ({@link GatewayConfig#dlqReplayedTopic()}),
 * so that a second replay does not send it again. Not a table: the gateway has no database, and the
 * registry's belongs to the registry. Not a search of the target topic for the replay header either:
 * that would read the whole pipeline topic on every replay. The replay is sent before its marker, so
 * a gateway that dies in between sends it once more on the next replay (harmless, by the event id)
 * rather than never.
 */
@ApplicationScoped
public class DeadLetterService {

    /** Header on a replayed record: the DLQ record it came from, as {@code topic/partition/offset}. */
    public static final String REPLAY_HEADER = "dead-letter-replay-of";
    public static final String ALREADY_REPLAYED = "ALREADY_REPLAYED";
    public static final String MALFORMED = "MALFORMED";

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final KafkaClients kafka;
    private final String markerTopic;
    private final Admin admin;
    private final KafkaProducer<String, String> producer;

    DeadLetterService(GatewayConfig config, Admin admin, KafkaClients kafka) {
        this.kafka = kafka;
        this.markerTopic = config.dlqReplayedTopic();
        this.admin = admin;
        this.producer = new KafkaProducer<>(kafka.config(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "gateway-dlq-replay",
                // A replayed event goes back marked as the CloudEvent it is; the markers stay plain.
                ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, CloudEventsStructuredMode.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())));
    }

    /**
     * How many records each pipeline topic's DLQ holds, read from the DLQs' offsets: the operations
     * page's counts, without reading and decoding every record as {@link #list} does.
     */
    public Map<String, Long> counts() {
        Map<String, Long> sizes = TopicReader.sizes(kafka, "gateway-dlq-counter",
                Topics.ALL.stream().map(Topics::deadLetter).toList(), TIMEOUT);
        Map<String, Long> counts = new LinkedHashMap<>();
        Topics.ALL.forEach(topic -> counts.put(topic, sizes.get(Topics.deadLetter(topic))));
        return counts;
    }

    public DeadLetterQueue list(String topic, Optional<String> submission) {
        EventType type = pipelineTopic(topic);
        Map<String, String> markers = markers();
        List<DeadLetterQueue.Entry> entries = letters(type, submission).stream()
                .map(letter -> letter.entry(markers.get(letter.marker())))
                .toList();
        return new DeadLetterQueue(topic, Topics.deadLetter(topic), entries);
    }

    /** One replay at a time per gateway, so that two calls cannot both find a record unreplayed. */
    public synchronized DeadLetterReplay replay(String topic, Optional<String> submission) {
        EventType type = pipelineTopic(topic);
        ensureMarkerTopic();
        Map<String, String> markers = markers();
        Map<String, String> sentThisTime = new HashMap<>();
        List<DeadLetterReplay.Replayed> replayed = new ArrayList<>();
        List<DeadLetterReplay.Skipped> skipped = new ArrayList<>();
        for (Letter letter : letters(type, submission)) {
            String earlier = markers.get(letter.marker());
            if (earlier == null && letter.eventId != null && sentThisTime.containsKey(letter.eventId)) {
                // The same event dead-lettered twice: sent once, and both records marked.
                earlier = sentThisTime.get(letter.eventId);
                mark(letter, earlier);
            }
            if (earlier != null) {
                skipped.add(letter.skipped(ALREADY_REPLAYED, "replayed before as " + earlier));
            } else if (letter.eventId == null) {
                skipped.add(letter.skipped(MALFORMED, letter.undecodable + "; it would only be dead-lettered again"));
            } else {
                String replayedAs = send(new ProducerRecord<>(topic, null, letter.record.key(), letter.record.value(),
                        new RecordHeaders().add(REPLAY_HEADER, letter.marker().getBytes(StandardCharsets.UTF_8))));
                mark(letter, replayedAs);
                sentThisTime.put(letter.eventId, replayedAs);
                replayed.add(new DeadLetterReplay.Replayed(letter.record.partition(), letter.record.offset(), letter.eventId,
                        letter.submissionIds, replayedAs));
                LOG.infof("replayed %s as %s (event %s)", letter.marker(), replayedAs, letter.eventId);
            }
        }
        return new DeadLetterReplay(topic, Topics.deadLetter(topic), replayed, skipped);
    }

    private static EventType pipelineTopic(String topic) {
        if (topic == null || topic.isBlank()) {
            throw GatewayException.badRequest("REQUIRED", "topic", "name the pipeline topic whose DLQ to read, e.g. "
                    + Topics.ADAPTER_VALIDATED);
        }
        return EventType.ofType(topic).orElseThrow(() -> GatewayException.badRequest("UNKNOWN_TOPIC", "topic",
                "'" + topic + "' is not a pipeline topic; name the topic, not its DLQ, one of " + String.join(", ", Topics.ALL)));
    }

    private List<Letter> letters(EventType type, Optional<String> submission) {
        return read(Topics.deadLetter(type.topic())).stream()
                .map(record -> Letter.of(type, record))
                .filter(letter -> submission.isEmpty() || letter.submissionIds.contains(submission.get()))
                .toList();
    }

    /** Marker key to where its record was replayed; a key whose last value is a tombstone counts as never replayed. */
    private Map<String, String> markers() {
        Map<String, String> markers = new HashMap<>();
        read(markerTopic).forEach(record -> {
            if (record.value() == null) {
                markers.remove(record.key());
            } else {
                markers.put(record.key(), record.value());
            }
        });
        return markers;
    }

    private void mark(Letter letter, String replayedAs) {
        send(new ProducerRecord<>(markerTopic, letter.marker(), replayedAs));
    }

    private String send(ProducerRecord<String, String> record) {
        try {
            RecordMetadata sent = producer.send(record).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return sent.topic() + "/" + sent.partition() + "/" + sent.offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the broker did not take a record for " + record.topic() + " within " + TIMEOUT, e);
        }
    }

    /** Compacted, so the markers stay as long as the DLQ records they name: its retention would otherwise forget them. */
    private void ensureMarkerTopic() {
        try {
            admin.createTopics(List.of(new NewTopic(markerTopic, Optional.of(1), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + markerTopic, e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + markerTopic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not create " + markerTopic + " within " + TIMEOUT, e);
        }
    }

    /** Every record of {@code topic} up to the end offsets at the start; none if the topic does not exist (yet). */
    private List<ConsumerRecord<String, String>> read(String topic) {
        return TopicReader.read(kafka, "gateway-dlq-reader", topic, Long.MAX_VALUE, TIMEOUT);
    }

    @PreDestroy
    void close() {
        producer.close(TIMEOUT);
    }

    /** A DLQ record as read: the event it holds, if it holds one, and the submissions it names. */
    private record Letter(ConsumerRecord<String, String> record, String eventId, String eventType,
                          List<String> submissionIds, String undecodable) {

        static Letter of(EventType type, ConsumerRecord<String, String> record) {
            List<String> submissions = submissionIds(record.value());
            if (record.value() == null) {
                return new Letter(record, null, null, submissions, "the record has no value");
            }
            try {
                EventEnvelope<?> event = EventCodec.decode(record.value(), type.dataClass());
                return new Letter(record, event.id(), event.type(), submissions, null);
            } catch (InvalidEventException e) {
                return new Letter(record, null, null, submissions, "not an event of " + type.topic() + ": " + e.getMessage());
            }
        }

        /** The key of its marker: unique per DLQ record, and what the replay header carries. */
        String marker() {
            return record.topic() + "/" + record.partition() + "/" + record.offset();
        }

        DeadLetterQueue.Entry entry(String replayedAs) {
            Header reason = record.headers().lastHeader(DeadLetters.REASON_HEADER);
            return new DeadLetterQueue.Entry(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                    record.key(), reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8),
                    eventId, eventType, submissionIds, undecodable, replayedAs);
        }

        DeadLetterReplay.Skipped skipped(String reason, String detail) {
            return new DeadLetterReplay.Skipped(record.partition(), record.offset(), eventId, reason, detail);
        }

        /** As {@link DeadLetters} finds them: {@code data.submissionId}, each adapter's, and a published model's list. */
        private static List<String> submissionIds(String value) {
            JsonNode data;
            try {
                JsonNode event = value == null ? null : JSON.readTree(value);
                data = event == null ? JSON.missingNode() : event.path("data");
            } catch (IOException notJson) {
                return List.of();
            }
            Set<String> ids = new LinkedHashSet<>();
            Optional.ofNullable(data.get("submissionId")).filter(JsonNode::isTextual).ifPresent(id -> ids.add(id.asText()));
            data.path("adapters").forEach(adapter -> Optional.ofNullable(adapter.get("submissionId"))
                    .filter(JsonNode::isTextual).ifPresent(id -> ids.add(id.asText())));
            data.path("submissionIds").forEach(id -> ids.add(id.asText()));
            return List.copyOf(ids);
        }
    }
}
