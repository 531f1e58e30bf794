package dev.medforge.contracts.artifacts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Gives every Quarkus service the same {@link ArtifactStore} bean, configured by {@link ArtifactStoreConfig}. */
@ApplicationScoped
public class ArtifactStoreProducer {

    @Produces
    @ApplicationScoped
    ArtifactStore artifactStore(ArtifactStoreConfig config) {
        try {
            return new FileSystemArtifactStore(Path.of(config.root()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the artifact store at " + config.root(), e);
        }
    }
}
