package dev.medforge.contracts.artifacts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A service that cannot write artifacts cannot do its work, so it must not take traffic. */
@Readiness
@ApplicationScoped
public class ArtifactStoreHealthCheck implements HealthCheck {

    @Inject
    ArtifactStoreConfig config;

    @Override
    public HealthCheckResponse call() {
        Path root = Path.of(config.root()).toAbsolutePath();
        boolean writable;
        try {
            // The store creates its root on first use; doing it here too is idempotent and lets a
            // fresh service report ready before its first artifact.
            Files.createDirectories(root);
            writable = Files.isWritable(root);
        } catch (IOException e) {
            writable = false;
        }
        return HealthCheckResponse.named("artifact-store")
                .status(writable)
                .withData("root", root.toString())
                .build();
    }
}
