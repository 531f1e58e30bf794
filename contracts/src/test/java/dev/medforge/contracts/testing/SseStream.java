package dev.medforge.contracts.testing;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * A subscriber's open server-sent-event stream (the gateway's {@code /api/v1/notifications}), read
 * line by line on a thread of its own, for the gateway's tests and the pipeline's alike. Each event
 * is kept with its SSE name and id and the moment its data line arrived; every raw line is kept too,
 * for what is not an event (comments, {@code retry:}).
 */
public final class SseStream implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** One event as it arrived: its SSE name, its id (null when it had none), its data and when the data line was read. */
    public record Event(String name, String id, String data, Instant arrived) {
    }

    private final HttpResponse<java.util.stream.Stream<String>> response;
    private final BlockingQueue<Event> arrived = new LinkedBlockingQueue<>();
    private final List<Event> seen = new ArrayList<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private SseStream(HttpResponse<java.util.stream.Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(() -> {
            String[] name = {""};
            String[] id = {null};
            try {
                response.body().forEach(line -> {
                    lines.add(line);
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("id:")) {
                        id[0] = line.substring(3).trim();
                    } else if (line.startsWith("data:")) {
                        arrived.add(new Event(name[0], id[0], line.substring(5).trim(), Instant.now()));
                    } else if (line.isEmpty()) {
                        id[0] = null;
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
    public static SseStream open(String url, String token) throws IOException, InterruptedException {
        return open(url, token, null);
    }

    /** The same, resuming after {@code lastEventId} (sent as {@code Last-Event-ID}) when it is not null. */
    public static SseStream open(String url, String token, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        SseStream stream = new SseStream(HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines()));
        if (stream.response.statusCode() != 200) {
            stream.close();
            throw new AssertionError("the notification stream answered " + stream.response.statusCode() + ", not 200");
        }
        stream.await("connected", data -> true, WAIT);
        return stream;
    }

    /** The first event so named whose data matches; other events pass by (other tests publish too). */
    public Event await(String name, Predicate<String> data, Duration timeout) throws InterruptedException {
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

    /** {@link #await(String, Predicate, Duration)} for data containing {@code text}, within 30 s. */
    public Event await(String name, String text) throws InterruptedException {
        return await(name, data -> data.contains(text), WAIT);
    }

    /** Waits up to 30 s for a raw line, such as a comment or a {@code retry:} field. */
    public void awaitLine(String line) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!lines.contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + line + "' within " + WAIT + "; saw " + lines);
            }
            Thread.sleep(20);
        }
    }

    /** Every event so far, in order of arrival. */
    public List<Event> seen() {
        arrived.drainTo(seen);
        return List.copyOf(seen);
    }

    @Override
    public void close() {
        response.body().close();
        reader.interrupt();
    }
}
