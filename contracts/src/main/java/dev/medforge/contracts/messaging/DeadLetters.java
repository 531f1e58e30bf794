package dev.medforge.contracts.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.InvalidEventException;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a consumer owes the submitters of a message it gives up on. The connector moves such a
 * message to the topic's dead-letter queue and commits past it, so without a word the submissions it
 * concerns would wait forever: each of them gets a final {@code REJECTED} status instead, whose detail
 * starts with {@value #MALFORMED_INPUT} (the message is not an event of the topic's type) or
 * {@value #INTERNAL_ERROR} (handling it threw).
 *
 * <p>The submissions are read from the raw JSON, since a malformed message has no typed form:
 * {@code data.submissionId} or each of {@code data.adapters[].submissionId}, with the institution and
 * branch each status needs. A message that names none (not even JSON) concerns no known submission
 * and is only dead-lettered.
 */
public final class DeadLetters {

    public static final String MALFORMED_INPUT = "MALFORMED_INPUT";
    public static final String INTERNAL_ERROR = "INTERNAL_ERROR";
    /** The headers the connector's own dead-letter strategy writes; a consumer that dead-letters by hand writes them too. */
    public static final String REASON_HEADER = "dead-letter-reason";
    public static final String CAUSE_HEADER = "dead-letter-cause";
    public static final String TOPIC_HEADER = "dead-letter-topic";

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The decoder's explanation reaches the submitter; a bounded one keeps a huge payload out of the history. */
    private static final int MAX_REASON = 300;

    private DeadLetters() {
    }

    /**
     * Runs {@code handler} for one message of {@code topic}. If it throws, the submissions the message
     * concerns are rejected and the failure is rethrown, so the connector dead-letters the message
     * after their statuses are on the broker.
     */
    public static void rejectOnFailure(MutinyEmitter<Record<String, String>> status, String source, String topic,
                                       String message, Runnable handler) {
        try {
            handler.run();
        } catch (RuntimeException failure) {
            reject(status, source, topic, List.of(message), failure);
            throw failure;
        }
    }

    /** Sends the final statuses for {@code messages} that are dead-lettered because of {@code failure}. */
    public static void reject(MutinyEmitter<Record<String, String>> status, String source, String topic,
                              Collection<String> messages, RuntimeException failure) {
        try {
            for (String message : messages) {
                rejections(source, topic, message, failure).forEach(rejection -> EventSender.send(status, rejection));
            }
        } catch (RuntimeException unsent) {
            // The dead letter still matters more: the stall sweeper in the registry settles what stays unsaid.
            failure.addSuppressed(unsent);
        }
    }

    /**
     * The final statuses for the submissions that {@code message} on {@code topic} names. Their ids
     * derive from the message's own id (or its bytes), so a redelivered failure repeats them exactly.
     */
    public static List<EventEnvelope<SubmissionStatus>> rejections(String source, String topic, String message, Throwable failure) {
        JsonNode event = readTree(message);
        Map<String, SubmissionStatus> concerned = new LinkedHashMap<>();
        if (event.isObject()) {
            JsonNode data = event.path("data");
            String detail = detail(source, topic, failure);
            add(concerned, data, data.path("branch"), detail);
            for (JsonNode adapter : data.path("adapters")) {
                add(concerned, adapter, data.path("branch"), detail);
            }
        }
        String cause = "dead-letter:" + (event.path("id").isTextual() ? event.path("id").asText()
                : UUID.nameUUIDFromBytes(message.getBytes(StandardCharsets.UTF_8)).toString());
        List<EventEnvelope<SubmissionStatus>> rejections = new ArrayList<>();
        concerned.values().forEach(status -> rejections.add(EventEnvelope.wrapCausedBy(source, status, cause)));
        return rejections;
    }

    /**
     * {@code message} of {@code topic} as a record for {@code topic}'s DLQ, for a consumer that sets
     * messages aside itself (a batch is acknowledged as a whole), with the headers the connector's
     * dead-letter strategy would give it, so that every DLQ record says why it is there.
     */
    public static Message<String> deadLetter(String topic, String key, String message, Throwable failure) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, String.valueOf(failure.getMessage()).getBytes(StandardCharsets.UTF_8));
        if (failure.getCause() != null) {
            headers.add(CAUSE_HEADER, String.valueOf(failure.getCause().getMessage()).getBytes(StandardCharsets.UTF_8));
        }
        headers.add(TOPIC_HEADER, topic.getBytes(StandardCharsets.UTF_8));
        return Message.of(message).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key).withHeaders(headers).build());
    }

    /** Whether {@code failure} says the message itself is wrong rather than our handling of it. */
    public static boolean malformed(Throwable failure) {
        return failure instanceof InvalidEventException;
    }

    private static void add(Map<String, SubmissionStatus> concerned, JsonNode submission, JsonNode branch, String detail) {
        JsonNode id = submission.path("submissionId");
        JsonNode institution = submission.path("institution");
        if (text(id) && text(institution) && text(branch)) {
            concerned.putIfAbsent(id.asText(), new SubmissionStatus(id.asText(), institution.asText(), branch.asText(),
                    Stage.REJECTED, detail));
        }
    }

    private static String detail(String source, String topic, Throwable failure) {
        if (malformed(failure)) {
            String reason = String.valueOf(failure.getMessage());
            return MALFORMED_INPUT + " " + topic + ": "
                    + (reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason);
        }
        // The submitter sees an incident id, never our internals; the log holds the stack trace under it.
        String incident = UUID.randomUUID().toString();
        LOG.errorf(failure, "incident %s: %s could not handle a message on %s", incident, source, topic);
        return INTERNAL_ERROR + " " + topic + ": " + source + " failed; incident " + incident;
    }

    private static boolean text(JsonNode node) {
        return node.isTextual() && !node.asText().isBlank();
    }

    private static JsonNode readTree(String message) {
        try {
            JsonNode tree = MAPPER.readTree(message);
            return tree == null ? MAPPER.missingNode() : tree;
        } catch (IOException notJson) {
            return MAPPER.missingNode();
        }
    }
}
