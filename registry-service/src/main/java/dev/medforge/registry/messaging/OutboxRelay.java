package dev.medforge.registry.messaging;

import dev.medforge.registry.OutboxEvent;
import dev.medforge.registry.config.RegistryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Sends committed outbox events in commit order and marks them sent once the broker acknowledged
 * them. A crash between the two sends an event again, with the same id, which consumers drop.
 * <p>
 * Registries that share a database take turns: a round runs in one transaction that holds a
 * PostgreSQL advisory lock, and a registry that cannot take it skips its round. Two relays selecting
 * the same unsent rows would send every event twice, and splitting the rows between them
 * ({@code SKIP LOCKED}) would let one branch's events overtake each other.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    /** The advisory lock's key: "medforge outbox" as one 64-bit number, so no other user of the database picks it by chance. */
    static final long RELAY_LOCK = 0x6d66_6f75_7462_6f78L;

    private final MutinyEmitter<String> emitter;
    private final RegistryConfig config;
    private final MeterRegistry meters;

    OutboxRelay(@Channel("outbox") MutinyEmitter<String> emitter, RegistryConfig config, MeterRegistry meters) {
        this.emitter = emitter;
        this.config = config;
        this.meters = meters;
    }

    // The first round waits for the Kafka emitter, which connects after the scheduler starts.
    @Scheduled(every = "${medforge.registry.outbox-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> relay() {
        return Panache.withTransaction(() -> Panache.getSession()
                .flatMap(session -> session.createNativeQuery("select pg_try_advisory_xact_lock(" + RELAY_LOCK + ")", Boolean.class)
                        .getSingleResult())
                .flatMap(ourTurn -> !ourTurn ? Uni.createFrom().voidItem()
                        : OutboxEvent.<OutboxEvent>find("sentAt is null order by id").page(0, config.outboxBatch()).list()
                                .flatMap(this::send)));
    }

    /**
     * A round now, for a decision whose events were just committed. Otherwise they waited for the
     * next scheduled round, up to an interval away (Quarkus's scheduler runs nothing more often than
     * once a second), and a submission passes the outbox once on its way to PUBLISHED, twice where a
     * rebase or a fallback sends it back. A round that fails, or finds another relay at work, leaves
     * the rows to the scheduled rounds; the caller's decision stands either way.
     */
    Uni<Void> roundNow() {
        return relay().onFailure().invoke(failure -> LOG.debugf("outbox round after a decision failed (%s); the next"
                + " scheduled round sends its events", failure.toString())).onFailure().recoverWithNull();
    }

    private Uni<Void> send(List<OutboxEvent> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> emitter.sendMessage(Message.of(row.payload)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withTopic(row.topic).withKey(row.eventKey).build())))
                .collect().last()
                .flatMap(ignored -> OutboxEvent.update("sentAt = ?1 where id in ?2", Instant.now(), rows.stream().map(r -> r.id).toList()))
                .invoke(() -> meters.counter("medforge.registry.outbox.sent").increment(rows.size()))
                .replaceWithVoid();
    }
}
