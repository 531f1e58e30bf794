package dev.medforge.merge.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.RegistryTestResource;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.merge.Lineage;
import dev.medforge.merge.service.HeadLineages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.store.PipelineFixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A published version reaches the worker's head lineages through the real broker. */
@QuarkusTest
@QuarkusTestResource(value = RegistryTestResource.class, restrictToAnnotatedClass = true)
class PublishedHeadsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    ArtifactStore store;

    @Inject
    HeadLineages lineages;

    @Test
    void aPublishedVersionsLineageIsReadBeforeAnyMergeAsksForIt() throws Exception {
        Adapter adapter = PipelineFixtures.adapter(31);
        AdapterRef member = new AdapterRef(UUID.randomUUID().toString(), "hospital-a", "tops",
                "sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64), "sha256:" + "c".repeat(64));
        Lineage lineage = new Lineage(List.of(member));
        String artifact = store.put(CompositeIO.write(new Composite.Merged(adapter.modules(), Map.of("tops", adapter.head()),
                new double[] {1.0}), PipelineFixtures.BASE, lineage.toJson(), Map.of())).toString();
        String compositeId = "sha256:" + UUID.randomUUID().toString().replace("-", "").repeat(2);

        EventEnvelope<ModelPublished> published = EventEnvelope.wrap("test", new ModelPublished("heads-" + UUID.randomUUID(), 1,
                compositeId, artifact, "fusion", List.of(member.submissionId()), Map.of()));

        // The worker reads from "latest" once its partitions are assigned, which may be after this
        // test starts: the event is sent again until it lands (a repeat only re-warms one entry).
        Instant deadline = Instant.now().plus(WAIT);
        Optional<Lineage> warmed = Optional.empty();
        while (warmed.isEmpty() && Instant.now().isBefore(deadline)) {
            TopicProbe.send(Topics.MODEL_PUBLISHED, published);
            for (int i = 0; i < 10 && warmed.isEmpty(); i++) {
                Thread.sleep(200);
                warmed = lineages.cached(compositeId);
            }
        }
        assertTrue(warmed.isPresent(), "model.published did not warm the head lineage within " + WAIT);
        assertEquals(lineage, warmed.get());
    }
}
