package dev.medforge.merge.service;

import dev.medforge.contracts.LeastRecentlyUsed;
import dev.medforge.merge.Lineage;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.store.ArtifactModels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The lineage of each branch head, and a mixture head's rows, by composite id. A composite never changes, so an entry never
 * goes stale and needs no expiry, only a size bound. {@code medforge.model.published} fills it as a
 * version is published, so the next merge on that branch starts without reading and parsing the
 * head composite from the artifact store.
 *
 * <p>Which composite is the head is still asked of the registry on every merge: the head moves in
 * the registry's transaction, and the published event follows through the outbox up to a relay
 * interval later. A head taken from events would lag by that much and send merges onto stale
 * parents, each costing a wasted merge and a rebase.
 */
@ApplicationScoped
public class HeadLineages {

    private static final int CAPACITY = 256;

    private final ArtifactModels models;
    private final Counter hits;
    private final Counter misses;
    private final Map<String, Head> byComposite = LeastRecentlyUsed.map(CAPACITY);

    /**
     * A head composite's lineage, and its rows when it is a task-conditioned mixture: the next mixture
     * keeps the rows its new members cannot join instead of searching every row again (issue 12).
     *
     * @param mixtureRows task to weights over the lineage's members; empty for a fused composite
     */
    public record Head(Lineage lineage, Map<String, double[]> mixtureRows) {
        static final Head EMPTY = new Head(Lineage.EMPTY, Map.of());

        public boolean isMixture() {
            return !mixtureRows.isEmpty();
        }
    }

    HeadLineages(ArtifactModels models, MeterRegistry meters) {
        this.models = models;
        this.hits = meters.counter("medforge.merge.head.lineage", "result", "hit");
        this.misses = meters.counter("medforge.merge.head.lineage", "result", "miss");
    }

    /** The head composite {@code compositeId}; {@code artifact} is asked only on a miss. */
    Head of(String compositeId, Supplier<String> artifact) {
        Head cached = byComposite.get(compositeId);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        misses.increment();
        Head head = read(compositeId, artifact.get());
        byComposite.put(compositeId, head);
        return head;
    }

    /** A version was published: read its lineage now, while no merge waits for it. */
    public void published(String compositeId, String artifact) {
        if (!byComposite.containsKey(compositeId)) {
            byComposite.put(compositeId, read(compositeId, artifact));
        }
    }

    public Optional<Lineage> cached(String compositeId) {
        return Optional.ofNullable(byComposite.get(compositeId)).map(Head::lineage);
    }

    private Head read(String compositeId, String artifact) {
        try {
            CompositeIO.Loaded loaded = models.composite(artifact);
            Map<String, double[]> rows = loaded.composite() instanceof Composite.Mixture mixture ? mixture.weights() : Map.of();
            return new Head(Lineage.fromJson(loaded.lineage()), rows);
        } catch (IOException | SafetensorsFormatException e) {
            throw new IllegalStateException("composite " + compositeId + " (" + artifact + ") is unreadable", e);
        }
    }
}
