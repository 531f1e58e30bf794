package dev.medforge.gateway;

import dev.medforge.contracts.Topics;
import jakarta.validation.constraints.NotBlank;

import java.util.List;

/** What one replay of a DLQ sent back to its topic, and what it left and why. */
public record DeadLetterReplay(String topic, String deadLetterTopic, List<Replayed> replayed, List<Skipped> skipped) {

    /** The body of {@code POST /api/v1/ops/dlq/replay}: the topic whose DLQ to replay, optionally one submission's records only. */
    public record Request(@NotBlank(message = "name the pipeline topic whose DLQ to replay, e.g. " + Topics.ADAPTER_VALIDATED)
                          String topic,
                          String submission) {
    }

    /** DLQ record {@code partition}/{@code offset}, now at {@code replayedAs} ({@code topic/partition/offset}). */
    public record Replayed(int partition, long offset, String eventId, List<String> submissionIds, String replayedAs) {
    }

    /**
     * @param reason {@code ALREADY_REPLAYED} (an earlier replay sent it, or this one sent the same
     *               event from another DLQ record) or {@code MALFORMED} (not an event of the topic's
     *               type: it would only be dead-lettered again)
     */
    public record Skipped(int partition, long offset, String eventId, String reason, String detail) {
    }
}
