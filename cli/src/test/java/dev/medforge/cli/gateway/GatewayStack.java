package dev.medforge.cli.gateway;

import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.contracts.testing.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real registry and gateway, from their packaged jars, on free ports, with an artifact store of
 * this run's own. Started once for every test class that extends with it, and stopped when the
 * whole run ends (the root context closes it).
 */
public final class GatewayStack implements BeforeAllCallback {

    private static Running running;

    record Running(ServiceProcess registry, ServiceProcess gateway, Path artifacts) implements AutoCloseable {
        @Override
        public void close() {
            gateway.close();
            registry.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(GatewayStack.class, key -> start(), Running.class);
    }

    private static synchronized Running start() {
        String group = "registry-cli-test-" + UUID.randomUUID();
        try {
            // In the build's own folder: the stack lives until the JVM ends, after any cleanup a test could run.
            Path artifacts = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cli-artifacts-");
            // Private consumer groups, so a registry started by ./medforge up keeps its partitions.
            ServiceProcess registry = ServiceProcess.start("registry-service", Map.of(
                    "mp.messaging.incoming.submission-status.group.id", group,
                    "mp.messaging.incoming.composite-evaluated.group.id", group));
            try {
                ServiceProcess gateway = ServiceProcess.start("gateway", Map.of(
                        "quarkus.rest-client.registry.url", registry.url(),
                        "medforge.artifacts.root", artifacts.toString()));
                running = new Running(registry, gateway, artifacts);
                return running;
            } catch (RuntimeException | IOException e) {
                registry.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the registry and gateway", e);
        }
    }

    static String gatewayUrl() {
        return running().gateway().url();
    }

    static String registryUrl() {
        return running().registry().url();
    }

    /** The store the gateway writes to, for checks and for what the pipeline would have put there. */
    static ArtifactStore store() {
        try {
            return new FileSystemArtifactStore(running().artifacts());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Running running() {
        if (running == null) {
            throw new IllegalStateException("extend the test class with GatewayStack");
        }
        return running;
    }
}
