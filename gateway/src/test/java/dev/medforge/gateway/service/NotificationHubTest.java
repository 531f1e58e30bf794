package dev.medforge.gateway.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.Notification;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NotificationHubTest {

    private static final Caller HOSPITAL_A = new Caller("sub-a", "hospital-a", Optional.of("hospital-a"), Set.of(Caller.SUBSCRIBER));

    private static Notification status(String id, String institution, Instant time) {
        EventEnvelope<SubmissionStatus> e = EventEnvelope.wrap("test", new SubmissionStatus("s-" + id, institution, "b",
                SubmissionStatus.Stage.VALIDATED, "ok"));
        return Notification.ofStatus(new EventEnvelope<>(id, e.type(), e.source(), time, e.subject(), e.specversion(), e.dataschema(),
                e.data()));
    }

    private static List<String> ids(AssertSubscriber<Notification> s) {
        return s.getItems().stream().map(n -> n.event().id()).toList();
    }

    @Test
    void aStreamAfterAPositionGetsTheVisibleHistoryAfterItThenLiveEventsWithoutARepeat() {
        NotificationHub hub = new NotificationHub();
        hub.publish(status("1", "hospital-a", Instant.parse("2026-01-01T00:00:01Z")));
        hub.publish(status("2", "hospital-b", Instant.parse("2026-01-01T00:00:02Z")));
        hub.publish(status("3", "hospital-a", Instant.parse("2026-01-01T00:00:03Z")));
        AssertSubscriber<Notification> resumed = hub.streamAfter(HOSPITAL_A, hub.positionOf("1").orElseThrow())
                .subscribe().withSubscriber(AssertSubscriber.create(10));
        hub.publish(status("4", "hospital-a", Instant.parse("2026-01-01T00:00:04Z")));
        hub.publish(status("3", "hospital-a", Instant.parse("2026-01-01T00:00:03Z")));
        assertEquals(List.of("3", "4"), ids(resumed), "hospital-b's event stays hidden; a redelivered one is not sent twice");

        AssertSubscriber<Notification> fresh = hub.streamAfter(HOSPITAL_A, hub.position()).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        hub.publish(status("5", "hospital-a", Instant.parse("2026-01-01T00:00:05Z")));
        assertEquals(List.of("5"), ids(fresh), "a stream from now on gets nothing older");
    }

    @Test
    void eventsReadBackFromTheTopicsGoBeforeTheLiveOnesAndAreOnlyReplayed() {
        NotificationHub hub = new NotificationHub();
        AssertSubscriber<Notification> open = hub.streamAfter(HOSPITAL_A, hub.position()).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        hub.publish(status("live", "hospital-a", Instant.parse("2026-01-01T00:10:00Z")));
        hub.backfill(List.of(status("old-2", "hospital-a", Instant.parse("2026-01-01T00:02:00Z")),
                status("old-1", "hospital-a", Instant.parse("2026-01-01T00:01:00Z")),
                status("live", "hospital-a", Instant.parse("2026-01-01T00:10:00Z"))));
        assertEquals(List.of("live"), ids(open), "an open stream is not sent the past");
        assertTrue(hub.positionOf("old-1").orElseThrow() < hub.positionOf("old-2").orElseThrow());
        assertTrue(hub.positionOf("old-2").orElseThrow() < hub.positionOf("live").orElseThrow());

        AssertSubscriber<Notification> resumed = hub.streamAfter(HOSPITAL_A, hub.positionOf("old-1").orElseThrow()).subscribe()
                .withSubscriber(AssertSubscriber.create(10));
        assertEquals(List.of("old-2", "live"), ids(resumed));
    }

    @Test
    void theHistoryKeepsTheNewestAndForgetsTheOldest() {
        NotificationHub hub = new NotificationHub();
        for (int i = 0; i <= NotificationHub.HISTORY; i++) {
            hub.publish(status("e" + i, "hospital-a", Instant.EPOCH.plusSeconds(i)));
        }
        assertTrue(hub.positionOf("e0").isEmpty());
        assertTrue(hub.positionOf("e1").isPresent());
        assertEquals(hub.position(), hub.positionOf("e" + NotificationHub.HISTORY).orElseThrow());
    }
}
