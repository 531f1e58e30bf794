package dev.medforge.gateway;

import dev.medforge.contracts.testing.ServiceProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * Runs the real registry for the gateway's tests, behind a {@link RegistryProxy} that passes every
 * request on until a test asks it to fail some. Its consumer groups are private to this run, so a
 * registry started by {@code ./medforge up} keeps its partitions. Declared here once, it serves
 * every test of the module: Quarkus finds the annotation on any test class and starts it once.
 */
@QuarkusTestResource(RegistryProcess.class)
public class RegistryProcess implements QuarkusTestResourceLifecycleManager {

    private static volatile RegistryProxy proxy;

    private ServiceProcess registry;

    /** The proxy the gateway under test calls the registry through. */
    public static RegistryProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("the registry is not running: RegistryProcess starts it with the first @QuarkusTest");
        }
        return proxy;
    }

    @Override
    public Map<String, String> start() {
        String group = "registry-gateway-test-" + UUID.randomUUID();
        try {
            registry = ServiceProcess.start("registry-service", Map.of(
                    "mp.messaging.incoming.submission-status.group.id", group,
                    "mp.messaging.incoming.composite-evaluated.group.id", group));
            proxy = new RegistryProxy(URI.create(registry.url()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the registry", e);
        }
        return Map.of("quarkus.rest-client.registry.url", proxy.url());
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
