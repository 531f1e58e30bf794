package dev.medforge.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "medforge.ingest")
public interface IngestConfig {

    /** Largest part of a submission, in bytes. The gateway enforces the same limit at upload. */
    @WithDefault("67108864")
    long maxPartBytes();

    /** Most distilled images per class: a distilled set is a summary, not a copy of the data. */
    @WithDefault("50")
    int distilledPerClassCap();

    /**
     * Smallest allowed ratio of a synthetic image's distance to its nearest real image over the
     * typical real-to-real nearest-neighbour distance; below it an image may be a memorised patient.
     */
    @WithDefault("0.5")
    double minPrivacyRatio();

    /** Registry look-ups tried this often before the submission is dead-lettered (kept, not lost). */
    @WithDefault("5")
    int registryAttempts();
}
