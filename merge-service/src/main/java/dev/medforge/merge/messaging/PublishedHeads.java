package dev.medforge.merge.messaging;

import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.merge.service.CompositeVerdicts;
import dev.medforge.merge.service.HeadLineages;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Warms each worker's head lineages from {@code medforge.model.published}, and ends a wait for the
 * verdict on the published composite without the next poll of the registry. Every worker listens in
 * a group of its own: any of them may take the branch's partition after a rebalance.
 */
@ApplicationScoped
public class PublishedHeads {

    private final HeadLineages lineages;
    private final CompositeVerdicts verdicts;

    PublishedHeads(HeadLineages lineages, CompositeVerdicts verdicts) {
        this.lineages = lineages;
        this.verdicts = verdicts;
    }

    @Incoming("model-published")
    @Blocking
    public void onPublished(String json) {
        ModelPublished published = EventCodec.decode(json, ModelPublished.class).data();
        lineages.published(published.compositeId(), published.artifact());
        verdicts.decided(published.branch(), published.compositeId());
    }
}
