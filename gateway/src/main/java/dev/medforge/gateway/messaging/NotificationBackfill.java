package dev.medforge.gateway.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.gateway.Notification;
import dev.medforge.gateway.config.KafkaClients;
import dev.medforge.gateway.service.NotificationHub;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Reads the tail of the two notification topics into the hub's history at start, so that a client
 * whose stream was served by a gateway that has since restarted (or by another instance) can
 * still resume after its last event. Off the start-up path: a broker that is slow to answer delays
 * resuming, never the gateway.
 */
@ApplicationScoped
public class NotificationBackfill {

    private static final Logger LOG = Logger.getLogger(NotificationBackfill.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    /** Per partition and topic: together more than the hub keeps. */
    private static final long TAIL = 2_000;

    private final NotificationHub hub;
    private final KafkaClients kafka;

    NotificationBackfill(NotificationHub hub, KafkaClients kafka) {
        this.hub = hub;
        this.kafka = kafka;
    }

    void onStart(@Observes StartupEvent start) {
        Thread reader = new Thread(this::backfill, "notification-backfill");
        reader.setDaemon(true);
        reader.start();
    }

    void backfill() {
        try {
            List<Notification> older = new ArrayList<>();
            older.addAll(read(Topics.MODEL_PUBLISHED, json -> Notification.of(EventCodec.decode(json, ModelPublished.class))));
            older.addAll(read(Topics.SUBMISSION_STATUS, json -> Notification.ofStatus(EventCodec.decode(json, SubmissionStatus.class))));
            hub.backfill(older);
            LOG.infof("notification history: %d earlier events read back from the topics for resuming streams", older.size());
        } catch (RuntimeException e) {
            LOG.warnf("notification history not read back (%s): streams resume only after events this gateway saw itself", e.toString());
        }
    }

    private List<Notification> read(String topic, Function<String, Notification> decode) {
        List<Notification> out = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TopicReader.read(kafka, "gateway-notification-backfill", topic, TAIL, TIMEOUT)) {
            try {
                out.add(decode.apply(record.value()));
            } catch (RuntimeException undecodable) {
                // the live consumer skips these as well (failure-strategy=ignore); the registry dead-letters them
            }
        }
        return out;
    }
}
