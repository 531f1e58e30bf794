package dev.medforge.eval.service;

import dev.medforge.contracts.registry.RegistryClient;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Asks the registry once when the service starts, so that the first composite a user submits does not
 * pay for the registry client: its creation, the service token from Keycloak and the connection took
 * 270 ms of that first evaluation, whose scoring took 140 ms (issue 12, a cold load test). It asks for
 * a branch that does not exist: a 404 is an answer, and the way there is what needed warming. It runs
 * on its own thread and tries for about a minute, as the registry may start after this service; if
 * the registry does not answer, the first evaluation connects instead.
 */
@ApplicationScoped
public class RegistryWarmUp {

    private static final Logger LOG = Logger.getLogger(RegistryWarmUp.class);
    /** Not a valid branch id (ids do not start with a dot), so the answer is a 404 whatever branches exist. */
    static final String PROBE = ".warm-up";
    private static final int ATTEMPTS = 30;
    private static final Duration PAUSE = Duration.ofSeconds(2);

    private final RegistryClient registry;
    private volatile boolean warm;

    RegistryWarmUp(@RestClient RegistryClient registry) {
        this.registry = registry;
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
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                registry.branch(PROBE).await().atMost(PAUSE.multipliedBy(5));
                warm = true;
            } catch (WebApplicationException answered) {
                warm = true;
            } catch (RuntimeException unreachable) {
                LOG.debugf("registry warm-up attempt %d: %s", attempt, unreachable.getMessage());
                sleep();
                continue;
            }
            LOG.infof("registry client warmed up in %d ms (service token, connection)", (System.nanoTime() - t0) / 1_000_000);
            return;
        }
        LOG.infof("registry did not answer within %d attempts at start; the first evaluation connects instead", ATTEMPTS);
    }

    private static void sleep() {
        try {
            Thread.sleep(PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
