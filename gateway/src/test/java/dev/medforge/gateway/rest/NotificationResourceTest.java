package dev.medforge.gateway.rest;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.testing.TopicProbe;
import dev.medforge.gateway.KeycloakTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@QuarkusTest
class NotificationResourceTest {

    @TestHTTPResource("/api/v1/notifications")
    URI notifications;

    @Test
    void everySubscriberHearsOfPublishedModelsButOnlyTheOwnInstitutionOfItsSubmissions() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (Stream hospitalA = open(http, "hospital-a", null); Stream viewer = open(http, "viewer", null)) {
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
            assertTrue(viewer.drain().stream().noneMatch(e -> e.contains(submissionId)), "clinic-d saw hospital-a's status");
        }
    }

    @Test
    void theStreamAsksForARetryDelayAndSendsHeartbeatComments() throws Exception {
        try (Stream viewer = open(HttpClient.newHttpClient(), "viewer", null)) {
            viewer.awaitLine("retry:2000");
            viewer.awaitLine(":heartbeat");
        }
    }

    @Test
    void aStreamResumedAfterItsLastEventGetsWhatWasPublishedMeanwhileForItsInstitutionOnly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String branch = "sse-" + UUID.randomUUID().toString().substring(0, 8);
        String seen = UUID.randomUUID().toString();
        String missed = UUID.randomUUID().toString();
        String othersMissed = UUID.randomUUID().toString();
        String lastEventId;
        try (Stream hospitalA = open(http, "hospital-a", null)) {
            TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(seen,
                    "hospital-a", branch, SubmissionStatus.Stage.VALIDATED, "ok")));
            hospitalA.await("submission.status", seen);
            lastEventId = hospitalA.idOf(seen);
        }
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(othersMissed,
                "hospital-b", branch, SubmissionStatus.Stage.VALIDATED, "ok")));
        TopicProbe.send(Topics.SUBMISSION_STATUS, EventEnvelope.wrap("test", new SubmissionStatus(missed,
                "hospital-a", branch, SubmissionStatus.Stage.MERGED, "while disconnected")));
        // The gateway must have taken both in before the client comes back; a viewer stream shows when.
        try (Stream viewer = open(http, "viewer", null)) {
            TopicProbe.send(Topics.MODEL_PUBLISHED, EventEnvelope.wrap("test", new ModelPublished(branch, 1,
                    "c-" + branch, "sha256:" + "ef".repeat(32), "fusion", List.of(), Map.of())));
            viewer.await("model.published", branch);
        }
        try (Stream resumed = open(http, "hospital-a", lastEventId)) {
            resumed.await("submission.status", missed);
            resumed.await("model.published", branch);
            assertTrue(resumed.drain().stream().noneMatch(e -> e.contains(seen)), "the event before the resume point came again");
            assertTrue(resumed.drain().stream().noneMatch(e -> e.contains(othersMissed)), "hospital-b's status reached hospital-a");
            assertTrue(resumed.drain().stream().noneMatch(e -> e.startsWith("resync ")), "a known event id needs no resync");
        }
    }

    @Test
    void aStreamResumedAfterAnEventTheGatewayDoesNotKnowIsToldToResync() throws Exception {
        try (Stream stream = open(HttpClient.newHttpClient(), "hospital-a", "no-such-event")) {
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

    private Stream open(HttpClient http, String user, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(notifications)
                .header("Authorization", "Bearer " + KeycloakTokens.userToken(user))
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        Stream stream = new Stream(http.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        assertEquals(200, stream.response.statusCode());
        stream.await("connected", user);
        return stream;
    }

    /** Reads "event:", "id:" and "data:" lines into "name data" entries (and keeps every line) on a thread of its own. */
    private static final class Stream implements AutoCloseable {
        final HttpResponse<java.util.stream.Stream<String>> response;
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Map<String, String> ids = new java.util.concurrent.ConcurrentHashMap<>();
        final Thread reader;

        Stream(HttpResponse<java.util.stream.Stream<String>> response) {
            this.response = response;
            this.reader = new Thread(() -> {
                String[] name = {""};
                String[] id = {null};
                response.body().forEach(line -> {
                    lines.add(line);
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        id[0] = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        String entry = name[0] + " " + line.substring(5).trim();
                        if (id[0] != null) {
                            ids.put(entry, id[0]);
                        }
                        events.add(entry);
                    } else if (line.isEmpty()) {
                        id[0] = null;
                    }
                });
            });
            reader.setDaemon(true);
            reader.start();
        }

        final List<String> seen = new ArrayList<>();

        /** Any order, and other events pass by: tests and services elsewhere publish on the same topics. */
        void await(String name, String containing) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (drain().stream().noneMatch(e -> e.startsWith(name + " ") && e.contains(containing))) {
                if (System.nanoTime() > deadline) {
                    fail("no " + name + " event with " + containing + " within 30 s; saw " + seen);
                }
                Thread.sleep(100);
            }
        }

        void awaitLine(String line) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!lines.contains(line)) {
                if (System.nanoTime() > deadline) {
                    fail("no line '" + line + "' within 30 s; saw " + lines);
                }
                Thread.sleep(100);
            }
        }

        /** The SSE id of the event whose data contains {@code containing}. */
        String idOf(String containing) {
            return ids.entrySet().stream().filter(e -> e.getKey().contains(containing)).map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new AssertionError("no event with an id contains " + containing + "; saw " + ids));
        }

        List<String> drain() {
            events.drainTo(seen);
            return seen;
        }

        @Override
        public void close() {
            response.body().close();
            reader.interrupt();
        }
    }
}
