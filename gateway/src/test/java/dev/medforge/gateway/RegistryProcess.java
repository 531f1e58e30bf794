package dev.medforge.gateway;

import dev.medforge.contracts.testing.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the real registry for the gateway's tests. Its consumer groups are private to this run, so
 * a registry started by {@code ./medforge up} keeps its partitions. Declared here once, it serves
 * every test of the module: Quarkus finds the annotation on any test class and starts it once.
 */
@QuarkusTestResource(RegistryProcess.class)
public class RegistryProcess implements QuarkusTestResourceLifecycleManager {

    private ServiceProcess registry;

    @Override
    public Map<String, String> start() {
        String group = "registry-gateway-test-" + UUID.randomUUID();
        try {
            registry = ServiceProcess.start("registry-service", Map.of(
                    "mp.messaging.incoming.submission-status.group.id", group,
                    "mp.messaging.incoming.composite-evaluated.group.id", group));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the registry", e);
        }
        return Map.of("medforge.gateway.registry-url", registry.url());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
    }
}
