package dev.medforge.gateway;

import java.time.Instant;
import java.util.List;

/** The records on one topic's DLQ, oldest first per partition. */
public record DeadLetterQueue(String topic, String deadLetterTopic, List<Entry> records) {

    /**
     * One DLQ record. {@code eventId} and {@code eventType} are null when the value is not an event
     * of the topic's type, and {@code undecodable} says why; the submission ids are read from the raw
     * JSON either way, so that a malformed record still shows whom it concerns.
     *
     * @param replayedAs where a replay put it ({@code topic/partition/offset}), null if never replayed
     */
    public record Entry(int partition, long offset, Instant timestamp, String key, String reason,
                        String eventId, String eventType, List<String> submissionIds, String undecodable,
                        String replayedAs) {
    }
}
