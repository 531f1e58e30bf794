package dev.medforge.contracts.messaging;

import dev.medforge.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Marks every event sent to a pipeline topic as a CloudEvent in structured mode (CloudEvents Kafka
 * protocol binding 1.0, section 3.2): the record's value already is the whole event, our envelope,
 * whose attributes are CloudEvents' own, so only this {@code content-type} header was missing for a
 * CloudEvents SDK to read our topics as they are (issue 15).
 *
 * <p>A Kafka producer interceptor rather than code in each sender: every outgoing event channel of
 * every service names it ({@code interceptor.classes}), and so does the gateway's dead-letter replay
 * producer, which sends plain markers too; records to other topics (dead-letter queues, markers) are
 * left as they are. The services' incoming channels run with {@code cloud-events=false}: SmallRye
 * would otherwise hand them the parsed JSON object instead of the text their strict decoder reads.
 */
public final class CloudEventsStructuredMode implements ProducerInterceptor<Object, Object> {

    public static final String HEADER = "content-type";
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    private static final byte[] VALUE = CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (Topics.ALL.contains(record.topic())) {
            record.headers().remove(HEADER);
            record.headers().add(HEADER, VALUE);
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        // Nothing to do once sent.
    }

    @Override
    public void close() {
        // Holds nothing.
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // No settings.
    }
}
