package dev.medforge.ingest.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import dev.medforge.contracts.validation.Rules;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "medforge.ingest")
public interface IngestConfig {

    /** Largest part of a submission, in bytes. The gateway enforces the same limit at upload. */
    @WithDefault(Rules.MAX_PART_BYTES)
    long maxPartBytes();

    /**
     * An intake that fails for a reason that may pass (the registry, the store or the broker away) is
     * tried again within this budget before the submission is dead-lettered (kept, not lost).
     */
    RetryPolicy dependencyRetry();
}
