package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.testing.TopicProbe;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 11, two registries on one database: a relay sends only while it holds the outbox's advisory
 * lock. Here this test's own database session holds it, as a second registry's relay round would,
 * and the registry under test must send nothing until it is let go; then it sends the row once.
 */
@QuarkusTest
class OutboxRelayTest {

    @Inject
    Pool database;

    @Test
    void aRelayWaitsWhileAnotherHoldsTheOutboxAndThenSendsEachEventOnce() throws Exception {
        EventEnvelope<ModelPublished> event = EventEnvelope.wrap("outbox-relay-test", new ModelPublished("outbox-" + UUID.randomUUID(),
                1, "c-" + UUID.randomUUID(), "sha256:" + "0".repeat(64), "fusion", List.of("s-1"), Map.of(), List.of()));
        String payload = EventCodec.encode(event);
        SqlConnection otherRegistry = database.getConnectionAndAwait();
        try (TopicProbe published = TopicProbe.tail(Topics.MODEL_PUBLISHED)) {
            otherRegistry.query("select pg_advisory_lock(" + OutboxRelay.RELAY_LOCK + ")").executeAndAwait();
            long row = otherRegistry.preparedQuery("insert into outbox_event (topic, event_key, payload, created_at)"
                            + " values ($1, $2, $3, now()) returning id")
                    .executeAndAwait(Tuple.of(Topics.MODEL_PUBLISHED, event.subject(), payload)).iterator().next().getLong("id");

            // Several relay rounds (one a second) while the lock is held elsewhere.
            Thread.sleep(Duration.ofSeconds(5).toMillis());
            assertEquals(0, published.seen().stream().filter(r -> r.value().equals(payload)).count(), "sent while another relay held the outbox");
            assertNull(otherRegistry.preparedQuery("select sent_at from outbox_event where id = $1").executeAndAwait(Tuple.of(row))
                    .iterator().next().getValue("sent_at"));

            otherRegistry.query("select pg_advisory_unlock(" + OutboxRelay.RELAY_LOCK + ")").executeAndAwait();
            published.await(r -> r.value().equals(payload), Duration.ofSeconds(30));
            Thread.sleep(Duration.ofSeconds(3).toMillis());
            assertEquals(1, published.seen().stream().filter(r -> r.value().equals(payload)).count(), "sent once");
        } finally {
            otherRegistry.closeAndAwait();
        }
    }
}
