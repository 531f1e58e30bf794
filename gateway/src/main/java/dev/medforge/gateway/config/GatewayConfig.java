package dev.medforge.gateway.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import dev.medforge.contracts.validation.Rules;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

@ConfigMapping(prefix = "medforge.gateway")
public interface GatewayConfig {

    /**
     * The platform's other parts by name, whose {@code /q/health/ready} the console's operations
     * page asks; application.properties names the launcher's ports.
     */
    Map<String, URI> parts();

    /**
     * Largest part of a submission, in bytes. Ingest enforces the same default; checking here as
     * well refuses an oversized upload before anything is stored or emitted.
     */
    @WithDefault(Rules.MAX_PART_BYTES)
    long maxPartBytes();

    /**
     * Largest manifest, in bytes. The manifest travels inside the submitted event, so it must stay
     * far below the broker's 1 MiB message limit: over it, the event could not be sent after the
     * parts were stored, and the upload failed with a 500 that left a half-made submission.
     */
    @WithDefault("65536")
    long maxManifestBytes();

    /** The consumer group whose members and lag {@code /api/v1/ops/merge-workers} reports. */
    @WithDefault("merge-workers")
    String mergeWorkersGroup();

    /** The eval service's consumer group, whose lag the console's operations page shows beside the merge workers'. */
    @WithDefault("eval")
    String evalGroup();

    /**
     * Compacted topic of the DLQ records already replayed, keyed by DLQ topic, partition and offset.
     * The gateway has no database, and gateways come and go: the broker is what all of them share.
     */
    @WithDefault("medforge.dlq.replayed")
    String dlqReplayedTopic();

    Webhooks webhooks();

    Notifications notifications();

    /** The notification stream (SSE). */
    interface Notifications {

        /** How often the stream sends a heartbeat comment. */
        @WithDefault("15S")
        Duration heartbeat();

        /** The {@code retry} the stream asks clients to wait before reconnecting. */
        @WithDefault("2S")
        Duration retry();
    }

    interface Webhooks {

        /** Attempts per delivery, the first included. */
        @WithDefault("6")
        int maxAttempts();

        /** Wait before the first retry; each further retry waits twice as long. */
        @WithDefault("1S")
        Duration initialBackoff();

        @WithDefault("10S")
        Duration requestTimeout();

        /**
         * How long a delivery waits for the registry, which keeps the webhooks and their logs, before
         * the event is given up; a registry restart only delays it.
         */
        RetryPolicy registryRetry();

        /**
         * URL hosts, written as in the URL, exempt from the rule that a webhook must not reach a
         * loopback, private or otherwise internal address. Empty outside tests: on a real gateway a
         * webhook to an internal address is a request forgery against the services behind it.
         */
        Optional<Set<String>> allowedInternalHosts();
    }
}
