package dev.medforge.pipeline;

import dev.medforge.contracts.events.EventType;
import dev.medforge.contracts.messaging.CloudEventsStructuredMode;
import dev.medforge.contracts.testing.EventSchemas;
import dev.medforge.contracts.testing.TopicProbe;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Every event the services put on the pipeline's topics while the tests run, checked at the end
 * against the topics' JSON Schemas (issue 15): what other tools read off the wire is what the
 * schemas say, and each is marked a CloudEvent in structured mode by its content-type header.
 * Records the tests inject themselves (malformed ones among them) are not the services' and are
 * left out, by their {@code source}.
 */
final class EventsOnTheWire implements AutoCloseable {

    private static final Set<String> SERVICES = Set.of("gateway", "adapter-ingest-service", "merge-service", "eval-service", "registry-service");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TopicProbe> probes = new ArrayList<>();

    EventsOnTheWire() {
        Arrays.stream(EventType.values()).forEach(type -> probes.add(TopicProbe.tail(type.topic())));
    }

    /** Reads everything sent since the start, and returns each service event that breaks its schema, with why. */
    List<String> violations() {
        List<String> found = new ArrayList<>();
        int checked = 0;
        for (TopicProbe probe : probes) {
            List<ConsumerRecord<String, String>> records = drain(probe);
            for (ConsumerRecord<String, String> record : records) {
                String source = source(record.value());
                if (!SERVICES.contains(source)) {
                    continue;
                }
                checked++;
                List<String> broken = new ArrayList<>(EventSchemas.violations(record.value()));
                Header contentType = record.headers().lastHeader(CloudEventsStructuredMode.HEADER);
                String said = contentType == null ? null : new String(contentType.value(), StandardCharsets.UTF_8);
                if (!CloudEventsStructuredMode.CONTENT_TYPE.equals(said)) {
                    broken.add("header content-type is " + said + ", not " + CloudEventsStructuredMode.CONTENT_TYPE);
                }
                if (!broken.isEmpty()) {
                    found.add(record.topic() + "@" + record.partition() + ":" + record.offset() + " from " + source + ": " + broken
                            + " in " + record.value());
                }
            }
        }
        if (checked == 0) {
            found.add("no service event was seen at all: the probes read nothing");
        }
        System.out.printf("event schemas: %d service events checked, %d broke their topic's schema or lacked the CloudEvents header%n",
                checked, found.size());
        return found;
    }

    private static List<ConsumerRecord<String, String>> drain(TopicProbe probe) {
        List<ConsumerRecord<String, String>> all = probe.seen();
        for (int before = -1; before != all.size(); ) {
            before = all.size();
            all = probe.seen();
        }
        return all;
    }

    private static String source(String value) {
        try {
            JsonNode event = JSON.readTree(value);
            return event == null ? "" : event.path("source").asText();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        probes.forEach(TopicProbe::close);
    }
}
