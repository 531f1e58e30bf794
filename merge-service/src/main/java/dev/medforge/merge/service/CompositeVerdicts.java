package dev.medforge.merge.service;

import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.merge.config.MergeConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * The composite this worker has in flight on each branch: created, not yet decided by the registry.
 * A branch's next merge waits for that verdict ({@link #awaitVerdict}). Merged at once, it would go
 * onto the head the in-flight composite is about to replace, be stale before it was evaluated, and
 * come back for a second merge; and on a machine of few cores it would take them from the
 * evaluation it waits for (issue 12: the adapter that arrived during its predecessor's evaluation
 * was the load test's tail, 11 to 20 s, merged twice). What arrives meanwhile joins that merge.
 *
 * <p>Kept in memory: after a restart nothing is in flight, and merges go onto the head as before.
 */
@ApplicationScoped
public class CompositeVerdicts {

    private static final Logger LOG = Logger.getLogger(CompositeVerdicts.class);
    /** How often the registry is asked while waiting; a publication is heard at once ({@link #decided}). */
    static final Duration POLL = Duration.ofMillis(250);

    private final Map<String, String> inFlight = new ConcurrentHashMap<>();
    private final BiPredicate<String, String> registryDecided;
    private final Duration wait;
    private final MeterRegistry meters;
    private final AtomicInteger waiting = new AtomicInteger();

    @Inject
    CompositeVerdicts(@RestClient RegistryClient registry, MergeConfig config, MeterRegistry meters) {
        this((branch, composite) -> registryHasDecided(registry, branch, composite), config.verdictWait(), meters);
    }

    CompositeVerdicts(BiPredicate<String, String> registryDecided, Duration wait, MeterRegistry meters) {
        this.registryDecided = registryDecided;
        this.wait = wait;
        this.meters = meters;
        Gauge.builder("medforge.merge.verdict.waiting", waiting, AtomicInteger::get)
                .description("Merges waiting now for the verdict on their branch's composite in flight").register(meters);
    }

    /** {@code compositeId} went out for evaluation as the branch's next version. */
    public void created(String branch, String compositeId) {
        inFlight.put(branch, compositeId);
    }

    /** The registry decided {@code compositeId}: it was published, or it came back in a rebase. */
    public void decided(String branch, String compositeId) {
        inFlight.remove(branch, compositeId);
    }

    /**
     * Returns once the branch has no composite in flight: its verdict came, the registry cannot be
     * asked (the merge then meets the outage itself, and its retries), or the wait ran out.
     */
    public void awaitVerdict(String branch) {
        String composite = inFlight.get(branch);
        if (composite == null) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + wait.toNanos();
        String outcome = "timeout";
        waiting.incrementAndGet();
        try {
            while (System.nanoTime() < deadline) {
                if (!composite.equals(inFlight.get(branch)) || registryDecided.test(branch, composite)) {
                    outcome = "decided";
                    break;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        } catch (RuntimeException e) {
            LOG.warnf("branch %s: cannot ask the registry for the verdict on composite %s (%s); merging onto the head", branch,
                    composite, e.getMessage());
            outcome = "unanswered";
        } finally {
            waiting.decrementAndGet();
        }
        inFlight.remove(branch, composite);
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        Timer.builder("medforge.merge.verdict.wait").description("Time a merge waited for the verdict on its branch's composite in flight")
                .tag("outcome", outcome).register(meters).record(waited);
        LOG.infof("branch %s: waited %d ms for the verdict on composite %s (%s)", branch, waited.toMillis(), composite, outcome);
    }

    private static boolean registryHasDecided(RegistryClient registry, String branch, String composite) {
        try {
            registry.decision(branch, composite).await().indefinitely();
            return true;
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return false;
            }
            throw e;
        }
    }
}
