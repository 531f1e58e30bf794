package dev.medforge.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A subscriber's open server-sent-event stream, read line by line on a thread of its own; each
 * event is kept with the moment its data line arrived.
 */
final class SseStream implements AutoCloseable {

    /** One event as it arrived: its SSE name, its data and when the data line was read. */
    record Event(String name, String data, Instant arrived) {
    }

    private final HttpResponse<java.util.stream.Stream<String>> response;
    private final BlockingQueue<Event> arrived = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final Thread reader;

    private SseStream(HttpResponse<java.util.stream.Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(() -> {
            String[] name = {""};
            try {
                response.body().forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        arrived.add(new Event(name[0], line.substring(5).trim(), Instant.now()));
                    }
                });
            } catch (RuntimeException closed) {
                // the test closed the stream
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream with {@code token} and waits for its opening {@code connected} event. */
    static SseStream open(String url, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream").build();
        SseStream stream = new SseStream(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()));
        assertEquals(200, stream.response.statusCode(), "the notification stream opens");
        stream.await("connected", data -> true, Duration.ofSeconds(30));
        return stream;
    }

    /** The first event so named whose data matches; other events pass by (other tests publish too). */
    Event await(String name, Predicate<String> data, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        while (true) {
            arrived.drainTo(seen);
            for (; checked < seen.size(); checked++) {
                Event event = seen.get(checked);
                if (event.name().equals(name) && data.test(event.data())) {
                    return event;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + name + " event within " + timeout + "; saw " + seen);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
