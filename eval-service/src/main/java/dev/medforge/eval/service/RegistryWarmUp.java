package dev.medforge.eval.service;

import dev.medforge.contracts.messaging.RetryPolicy;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.eval.config.EvalConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Asks the registry once when the service starts, so that the first composite a user submits does not
 * pay for the registry client: its creation, the service token from Keycloak and the connection took
 * 270 ms of that first evaluation, whose scoring took 140 ms (issue 12, a cold load test). It asks for
 * a branch that does not exist: a 404 is an answer, and the way there is what needed warming. It runs
 * on its own thread, as the registry may start after this service, and waits for it as an evaluation
 * would ({@code medforge.eval.dependency-retry}); if the registry does not answer within that budget,
 * the first evaluation connects instead.
 */
@ApplicationScoped
public class RegistryWarmUp {

    private static final Logger LOG = Logger.getLogger(RegistryWarmUp.class);
    /** Not a valid branch id (ids do not start with a dot), so the answer is a 404 whatever branches exist. */
    static final String PROBE = ".warm-up";

    private final RegistryClient registry;
    private final RetryPolicy retry;
    private volatile boolean warm;

    RegistryWarmUp(@RestClient RegistryClient registry, EvalConfig config) {
        this.registry = registry;
        this.retry = config.dependencyRetry();
    }

    void onStart(@Observes StartupEvent start) {
        Thread warmUp = new Thread(this::run, "eval-registry-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Whether the registry has answered this service's client once. */
    public boolean warm() {
        return warm;
    }

    private void run() {
        long t0 = System.nanoTime();
        try {
            TransientFailures.retry(retry, "registry warm-up", () -> {
                try {
                    registry.branch(PROBE).await().indefinitely();
                } catch (WebApplicationException answered) {
                    // Any HTTP answer: the client, its token and its connection are ready.
                }
                try {
                    registry.tasks(PROBE).await().indefinitely();
                } catch (WebApplicationException answered) {
                    // The first evaluation asks for the branch's tasks too: 87 ms of it, unwarmed, in a cold load test.
                }
            });
            warm = true;
            LOG.infof("registry client warmed up in %d ms (service token, connection)", (System.nanoTime() - t0) / 1_000_000);
        } catch (RuntimeException unreachable) {
            LOG.infof("registry did not answer at start (%s); the first evaluation connects instead", unreachable.getMessage());
        }
    }
}
