package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.testing.SseStream;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class NotificationResourceTest {

    @TestHTTPResource("/api/v1/notifications")
    URI notifications;

    @Test
    void everySubscriberHearsOfPublishedModelsButOnlyTheOwnInstitutionOfItsSubmissions() throws Exception {
        try (SseStream hospitalA = open("hospital-a", null); SseStream viewer = open("viewer", null)) {
            String branch = "sse-" + UUID.randomUUID().toString().substring(0, 8);
            String submissionId = UUID.randomUUID().toString();
            TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(submissionId,
                    "hospital-a", branch, SubmissionStatus.Stage.VALIDATED, "ok")));
            TopicProbe.send(Topics.MODEL_PUBLISHED, EventEnvelope.wrap("test", new ModelPublished(branch, 1,
                    "c-" + branch, "sha256:" + "ef".repeat(32), "fusion", List.of(), Map.of())));

            hospitalA.await("submission.status", submissionId);
            hospitalA.await("model.published", branch);
            viewer.await("model.published", branch);
            // By now the hub has passed the status to every stream; give the viewer's a moment to show it.
            Thread.sleep(1000);
            assertTrue(viewer.seen().stream().noneMatch(e -> e.data().contains(submissionId)), "clinic-d saw hospital-a's status");
        }
    }

    @Test
    void theStreamAsksForARetryDelayAndSendsHeartbeatComments() throws Exception {
        try (SseStream viewer = open("viewer", null)) {
            viewer.awaitLine("retry:2000");
            viewer.awaitLine(":heartbeat");
        }
    }

    @Test
    void aStreamResumedAfterItsLastEventGetsWhatWasPublishedMeanwhileForItsInstitutionOnly() throws Exception {
        String branch = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        String seen = UUID.randomUUID().toString();
        String missed = UUID.randomUUID().toString();
        String othersMissed = UUID.randomUUID().toString();
        String lastEventId;
        try (SseStream hospitalA = open("hospital-a", null)) {
            TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(seen,
                    "hospital-a", branch, SubmissionStatus.Stage.VALIDATED, "ok")));
            lastEventId = hospitalA.await("submission.status", seen).id();
        }
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(othersMissed,
                "hospital-b", branch, SubmissionStatus.Stage.VALIDATED, "ok")));
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(missed,
                "hospital-a", branch, SubmissionStatus.Stage.MERGED, "while disconnected")));
        // The gateway must have taken both in before the client comes back; a viewer stream shows when.
        try (SseStream viewer = open("viewer", null)) {
            TopicProbe.send(Topics.MODEL_PUBLISHED, EventEnvelope.wrap("test", new ModelPublished(branch, 1,
                    "c-" + branch, "sha256:" + "ef".repeat(32), "fusion", List.of(), Map.of())));
            viewer.await("model.published", branch);
        }
        try (SseStream resumed = open("hospital-a", lastEventId)) {
            resumed.await("submission.status", missed);
            resumed.await("model.published", branch);
            assertTrue(resumed.seen().stream().noneMatch(e -> e.data().contains(seen)), "the event before the resume point came again");
            assertTrue(resumed.seen().stream().noneMatch(e -> e.data().contains(othersMissed)), "hospital-b's status reached hospital-a");
            assertTrue(resumed.seen().stream().noneMatch(e -> e.name().equals("resync")), "a known event id needs no resync");
        }
    }

    @Test
    void aStreamResumedAfterAnEventTheGatewayDoesNotKnowIsToldToResync() throws Exception {
        try (SseStream stream = open("hospital-a", "no-such-event")) {
            stream.await("resync", "no-such-event");
        }
    }

    @Test
    void theStreamNeedsTheSubscriberRole() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(notifications)
                .header("Authorization", "Bearer " + KeycloakTokens.userToken("hospital-a").replace('.', '-')).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
    }

    private SseStream open(String user, String lastEventId) throws Exception {
        return SseStream.open(notifications.toString(), KeycloakTokens.userToken(user), lastEventId);
    }
}
