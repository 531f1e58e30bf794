package dev.medforge.eval.service;

import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.eval.config.EvalConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * Removes the artifact store's cache entries that nobody has used for
 * {@code medforge.eval.cache.keep-unused}: each member's outputs on each suite it was scored on, and
 * each composite's fusion progress. They are kept so that a version costs the work of its new
 * member only (issue 12), and without this a branch that lives for years would keep every one of
 * them, including those of members withdrawn or gated out long ago. An entry collected and wanted
 * again is computed again, so the cut-off trades disk for an occasional recompute, never for a
 * wrong answer. The evaluation service collects because it makes most of the entries; several
 * instances collecting at once only find less to do.
 */
@ApplicationScoped
public class CacheCollection {

    private static final Logger LOG = Logger.getLogger(CacheCollection.class);

    private final ArtifactStore store;
    private final Duration keepUnused;
    private final Counter entries;
    private final Counter bytes;

    CacheCollection(ArtifactStore store, EvalConfig config, MeterRegistry meters) {
        this.store = store;
        this.keepUnused = config.cache().keepUnused();
        this.entries = Counter.builder("medforge.artifacts.cache.collected").description("cache entries removed unused").register(meters);
        this.bytes = Counter.builder("medforge.artifacts.cache.collected.bytes").description("bytes of cache entries removed unused")
                .baseUnit("bytes").register(meters);
    }

    @Scheduled(every = "${medforge.eval.cache.collect-every:6h}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void collect() {
        collectUnusedSince(Instant.now().minus(keepUnused));
    }

    /** Collects the entries unused since {@code cutOff}; what it removed, for the log and the metrics. */
    public ArtifactStore.RefCollection collectUnusedSince(Instant cutOff) {
        try {
            ArtifactStore.RefCollection collection = store.collectRefs(cutOff);
            entries.increment(collection.collected());
            bytes.increment(collection.bytes());
            LOG.infof("cache collection: %d entries unused since %s removed (%.1f MB), %d kept", collection.collected(), cutOff,
                    collection.bytes() / 1e6, collection.kept());
            return collection;
        } catch (IOException e) {
            // Nothing is lost by a failed collection; the next one tries again.
            LOG.warnf("cache collection failed, the next one tries again: %s", e.getMessage());
            return new ArtifactStore.RefCollection(0, 0, 0);
        }
    }
}
