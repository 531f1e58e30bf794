package dev.medforge.contracts.messaging;

import dev.medforge.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class CloudEventsStructuredModeTest {

    private final CloudEventsStructuredMode interceptor = new CloudEventsStructuredMode();

    private static List<String> contentTypes(ProducerRecord<Object, Object> record) {
        return StreamSupport.stream(record.headers().headers(CloudEventsStructuredMode.HEADER).spliterator(), false)
                .map(h -> new String(h.value(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void everyPipelineTopicsEventIsMarkedStructuredModeOnceKeepingItsOtherHeaders() {
        for (String topic : Topics.ALL) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("medforge-replay-of", "x".getBytes(StandardCharsets.UTF_8));
            headers.add(CloudEventsStructuredMode.HEADER, "application/json".getBytes(StandardCharsets.UTF_8));
            ProducerRecord<Object, Object> sent = interceptor.onSend(new ProducerRecord<>(topic, null, "key", "{}", headers));

            assertEquals(List.of("application/cloudevents+json; charset=UTF-8"), contentTypes(sent), topic);
            Header kept = sent.headers().lastHeader("medforge-replay-of");
            assertEquals("x", new String(kept.value(), StandardCharsets.UTF_8));
            assertEquals("{}", sent.value(), "the value already is the structured-mode event");
        }
    }

    @Test
    void deadLetterQueuesAndOtherTopicsAreLeftAsTheyAre() {
        for (String topic : List.of(Topics.deadLetter(Topics.ADAPTER_SUBMITTED), "medforge.dlq.replayed", "something.else")) {
            ProducerRecord<Object, Object> sent = interceptor.onSend(new ProducerRecord<>(topic, "key", "marker"));
            assertNull(sent.headers().lastHeader(CloudEventsStructuredMode.HEADER), topic);
        }
    }
}
