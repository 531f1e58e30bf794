package dev.medforge.contracts.artifacts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the services share artifacts. On one machine every service points at the same folder. */
@ConfigMapping(prefix = "medforge.artifacts")
public interface ArtifactStoreConfig {

    /** Root folder of the file-system store; created when missing. */
    @WithDefault(".medforge/artifacts")
    String root();
}
