package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ExitCode;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medforge watch}: the gateway's notifications as lines, optionally until submissions finish. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow the notification stream (SSE): model.published for everyone and submission.status for your"
                + " institution, one line per event. With --until-final, exit once every ID reached a final stage:"
                + " 0 when all PUBLISHED, 4 when any REJECTED or GATED_OUT, 5 on --timeout; --until-stage waits for one stage"
                + " instead. A dropped stream is reopened"
                + " with back-off and resumes after the last event received.")
public final class WatchCommand extends GatewayVerb {

    static final String CONNECTED = "connected";
    static final String SUBMISSION_STATUS = "submission.status";
    static final String MODEL_PUBLISHED = "model.published";
    static final String RESYNC = "resync";

    @Option(names = "--until-final", arity = "1..*", paramLabel = "ID", description = "submission ids to wait for")
    List<String> untilFinal = new ArrayList<>();

    @Option(names = "--until-stage", paramLabel = "STAGE",
            description = "with --until-final: wait until every ID reaches this stage instead of any final one, e.g. WITHDRAWN"
                    + " after medforge withdraw (a PUBLISHED submission is final already)")
    Stage untilStage;

    @Option(names = "--max-reconnects", paramLabel = "N", defaultValue = "8",
            description = "reconnection attempts in a row, with back-off, when the stream drops or the gateway cannot be reached,"
                    + " before exiting 5 (default ${DEFAULT-VALUE}); each resumes after the last event received")
    int maxReconnects;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "stop after this long: exit 0 when just watching, 5 when --until-final ids are still open")
    Long timeoutSeconds;

    /** What the reading thread hands over: an event, the stream's end, or the failure that ended it. */
    private record Item(EventStream.Event event, IOException failure) {
    }

    @Override
    public Integer call() {
        if (untilStage != null && untilFinal.isEmpty()) {
            throw CliException.usage("--until-stage needs --until-final ID...: which submissions should reach " + untilStage);
        }
        Output out = out();
        GatewayClient client = gateway.client();
        Instant deadline = timeoutSeconds == null ? null : Instant.now().plusSeconds(timeoutSeconds);
        Set<String> open = new LinkedHashSet<>(untilFinal);
        Map<String, Stage> finished = new LinkedHashMap<>();
        Reconnect reconnect = new Reconnect(maxReconnects);
        String lastEventId = null;
        while (true) {
            Connection connection;
            try {
                // Subscribed before any status is read: whatever happens after the read arrives as an event.
                connection = Connection.open(client, lastEventId);
            } catch (CliException unreachable) {
                if (unreachable.exitCode() != ExitCode.SERVER) {
                    throw unreachable;
                }
                reconnect.after(unreachable.getMessage(), deadline, out);
                continue;
            }
            try (connection) {
                while (true) {
                    Item item = take(connection.queue(), deadline);
                    if (item == null) {
                        if (untilFinal.isEmpty()) {
                            return ExitCode.OK;
                        }
                        throw CliException.server("timed out after " + timeoutSeconds + " s; not final yet: " + String.join(", ", open));
                    }
                    if (item.event() == null) {
                        reconnect.after(item.failure() != null ? "the event stream broke: " + Http.describe(item.failure())
                                : "the gateway closed the event stream", deadline, out);
                        break;
                    }
                    EventStream.Event event = item.event();
                    if (event.id() != null) {
                        lastEventId = event.id();
                    }
                    if (CONNECTED.equals(event.name())) {
                        reconnect.connected(event.retryMillis());
                        out.note("connected as %s%s", event.data(), lastEventId == null ? "" : " (resuming after event " + lastEventId + ")");
                        // Read on every connection: what became final while the stream was down is found here too.
                        for (String id : List.copyOf(open)) {
                            Optional<JsonNode> status = client.find("/api/v1/submissions/" + GatewayClient.segment(id));
                            if (status.isEmpty()) {
                                out.note("%s is not known yet; waiting for its events", id);
                            }
                            status.map(StatusCommand::stage).ifPresent(stage -> settle(open, finished, id, stage, out));
                        }
                    } else if (RESYNC.equals(event.name())) {
                        out.note("the gateway could not resume (%s); the statuses above were read again", event.data());
                    } else {
                        JsonNode envelope = parse(event.data());
                        print(out, event, envelope);
                        if (SUBMISSION_STATUS.equals(event.name())) {
                            JsonNode data = envelope.path("data");
                            String id = data.path("submissionId").asText();
                            settle(open, finished, id, StatusCommand.stage(data), out);
                        }
                    }
                    if (!untilFinal.isEmpty() && open.isEmpty()) {
                        return finished.values().stream().mapToInt(StatusCommand::exitCode).max().orElse(ExitCode.OK);
                    }
                }
            }
        }
    }

    /** One open event stream and the thread that reads it into a queue. */
    private record Connection(HttpResponse<InputStream> response, BlockingQueue<Item> queue, Thread reader) implements AutoCloseable {

        static Connection open(GatewayClient client, String lastEventId) {
            HttpResponse<InputStream> response = client.open("/api/v1/notifications", "text/event-stream",
                    lastEventId == null ? Map.of() : Map.of("Last-Event-ID", lastEventId));
            BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> read(response.body(), queue), "medforge-watch");
            reader.setDaemon(true);
            reader.start();
            return new Connection(response, queue, reader);
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the stream is abandoned either way
            }
            // Closing does not wake a read blocked on the next chunk; the interrupt does.
            reader.interrupt();
        }
    }

    /**
     * When a dropped or refused stream is tried again: after the server's {@code retry}, doubling
     * up to 30 s, and at most {@code limit} times in a row without a connection (exit 5 then), so a
     * gateway that is gone for good does not keep the command waiting forever.
     */
    static final class Reconnect {
        static final long DEFAULT_FIRST_MILLIS = 1_000;
        static final long MAX_MILLIS = 30_000;

        private final int limit;
        private long firstMillis = DEFAULT_FIRST_MILLIS;
        private int failures;

        Reconnect(int limit) {
            this.limit = limit;
        }

        void connected(Long retryMillis) {
            failures = 0;
            if (retryMillis != null && retryMillis > 0) {
                firstMillis = retryMillis;
            }
        }

        /** The wait before attempt number {@code failures} + 1. */
        long delayMillis() {
            return Math.min(MAX_MILLIS, firstMillis << Math.min(failures - 1, 20));
        }

        void after(String why, Instant deadline, Output out) {
            failures++;
            if (failures > limit) {
                throw CliException.server(why + "; gave up after " + limit + " reconnection attempts");
            }
            long wait = delayMillis();
            if (deadline != null && Instant.now().plusMillis(wait).isAfter(deadline)) {
                wait = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
            }
            out.note("%s; reconnecting in %.1f s (attempt %d of %d)", why, wait / 1000.0, failures, limit);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.server("interrupted");
            }
        }
    }

    private void settle(Set<String> open, Map<String, Stage> finished, String id, Stage stage, Output out) {
        boolean settled = stage != null && (untilStage == null ? stage.terminal() : stage == untilStage);
        if (settled && open.remove(id)) {
            finished.put(id, stage);
            out.note("%s %s", id, stage);
        }
    }

    private void print(Output out, EventStream.Event event, JsonNode envelope) {
        if (json()) {
            out.compactJson(envelope);
            return;
        }
        JsonNode data = envelope.path("data");
        String time = envelope.path("time").asText("");
        switch (event.name()) {
            case SUBMISSION_STATUS -> out.line("%s %s %s %s branch=%s %s", time, event.name(), data.path("submissionId").asText(),
                    data.path("stage").asText(), data.path("branch").asText(), data.path("detail").asText(""));
            case MODEL_PUBLISHED -> out.line("%s %s branch=%s version=%d strategy=%s accuracy%s", time, event.name(),
                    data.path("branch").asText(), data.path("version").asInt(), data.path("strategy").asText(),
                    CardCommand.accuracies(data.path("metrics")));
            default -> out.line("%s %s %s", time, event.name(), event.data());
        }
    }

    private static JsonNode parse(String data) {
        try {
            return GatewayClient.JSON.readTree(data);
        } catch (IOException notJson) {
            return GatewayClient.JSON.createObjectNode().put("data", data);
        }
    }

    private static void read(InputStream body, BlockingQueue<Item> queue) {
        try (EventStream stream = new EventStream(body)) {
            for (Optional<EventStream.Event> next; (next = stream.next()).isPresent(); ) {
                queue.add(new Item(next.get(), null));
            }
            queue.add(new Item(null, null));
        } catch (IOException e) {
            queue.add(new Item(null, e));
        }
    }

    private static Item take(BlockingQueue<Item> queue, Instant deadline) {
        try {
            if (deadline == null) {
                return queue.take();
            }
            long wait = Duration.between(Instant.now(), deadline).toMillis();
            return wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.server("interrupted");
        }
    }
}
