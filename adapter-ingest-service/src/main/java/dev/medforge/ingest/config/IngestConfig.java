package dev.medforge.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "medforge.ingest")
public interface IngestConfig {

    /** Largest part of a submission, in bytes. The gateway enforces the same limit at upload. */
    @WithDefault("67108864")
    long maxPartBytes();
}
