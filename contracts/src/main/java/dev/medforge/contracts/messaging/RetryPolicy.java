package dev.medforge.contracts.messaging;

import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How long a consumer keeps retrying a message whose handling failed for a reason that may pass
 * (see {@link TransientFailures}), as a group in each service's own {@code @ConfigMapping}, under
 * {@code dependency-retry}. The budget is generous so that a restart of the registry or PostgreSQL,
 * or an outage of a minute, only delays the submissions it catches; past it the message is
 * dead-lettered, kept on the DLQ, rather than holding its partition forever.
 */
public interface RetryPolicy {

    /** Wait before the second attempt; each further wait doubles. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Longest wait between two attempts, so a dependency that comes back is noticed soon. */
    @WithDefault("15s")
    Duration maxBackoff();

    /**
     * Time from the first failure after which no further attempt starts. A consumer whose record can
     * stay unacknowledged this long needs the channel's {@code throttled.unprocessed-record-max-age.ms}
     * above it, or the connector marks the channel unhealthy.
     */
    @WithDefault("5m")
    Duration budget();
}
