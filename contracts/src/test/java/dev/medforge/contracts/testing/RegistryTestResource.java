package dev.medforge.contracts.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The real registry-service, run from its packaged jar for the tests of a service that calls it;
 * {@link #running()} lets an outage test kill and restart it.
 */
public class RegistryTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile ServiceProcess registry;

    /** The registry the current test class runs against. */
    public static ServiceProcess running() {
        if (registry == null) {
            throw new IllegalStateException("no registry started: annotate the test with @QuarkusTestResource(RegistryTestResource.class)");
        }
        return registry;
    }

    @Override
    public Map<String, String> start() {
        try {
            registry = ServiceProcess.start("registry-service", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("quarkus.rest-client.registry.url", registry.url());
    }

    @Override
    public void stop() {
        if (registry != null) {
            registry.close();
        }
    }
}
