package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.MedforgeCommand;
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
                + " 0 when all PUBLISHED, 4 when any REJECTED or GATED_OUT, 5 on --timeout.")
public final class WatchCommand extends GatewayVerb {

    static final String CONNECTED = "connected";
    static final String SUBMISSION_STATUS = "submission.status";
    static final String MODEL_PUBLISHED = "model.published";

    @Option(names = "--until-final", arity = "1..*", paramLabel = "ID", description = "submission ids to wait for")
    List<String> untilFinal = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "stop after this long: exit 0 when just watching, 5 when --until-final ids are still open")
    Long timeoutSeconds;

    /** What the reading thread hands over: an event, the stream's end, or the failure that ended it. */
    private record Item(EventStream.Event event, IOException failure) {
    }

    @Override
    public Integer call() {
        Output out = out();
        GatewayClient client = gateway.client();
        Instant deadline = timeoutSeconds == null ? null : Instant.now().plusSeconds(timeoutSeconds);
        Set<String> open = new LinkedHashSet<>(untilFinal);
        Map<String, Stage> finished = new LinkedHashMap<>();

        // Subscribed before any status is read: whatever happens after the read arrives as an event.
        HttpResponse<InputStream> response = client.open("/api/v1/notifications", "text/event-stream");
        BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> read(response.body(), queue), "medforge-watch");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Item item = take(queue, deadline);
                if (item == null) {
                    if (untilFinal.isEmpty()) {
                        return MedforgeCommand.EXIT_OK;
                    }
                    throw CliException.server("timed out after " + timeoutSeconds + " s; not final yet: " + String.join(", ", open));
                }
                if (item.failure() != null) {
                    throw CliException.server("the event stream broke: " + Http.describe(item.failure()));
                }
                if (item.event() == null) {
                    throw CliException.server("the gateway closed the event stream");
                }
                EventStream.Event event = item.event();
                if (CONNECTED.equals(event.name())) {
                    out.note("connected as %s", event.data());
                    for (String id : List.copyOf(open)) {
                        Optional<JsonNode> status = client.find("/api/v1/submissions/" + GatewayClient.segment(id));
                        if (status.isEmpty()) {
                            out.note("%s is not known yet; waiting for its events", id);
                        }
                        status.map(StatusCommand::stage).ifPresent(stage -> settle(open, finished, id, stage, out));
                    }
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
                    return finished.values().stream().mapToInt(StatusCommand::exitCode).max().orElse(MedforgeCommand.EXIT_OK);
                }
            }
        } finally {
            try {
                response.body().close();
            } catch (IOException ignored) {
                // the stream is abandoned either way
            }
            // Closing does not wake a read blocked on the next chunk; the interrupt does.
            reader.interrupt();
        }
    }

    private static void settle(Set<String> open, Map<String, Stage> finished, String id, Stage stage, Output out) {
        if (stage != null && stage.terminal() && open.remove(id)) {
            finished.put(id, stage);
            out.note("%s %s", id, stage);
        }
    }

    private void print(Output out, EventStream.Event event, JsonNode envelope) {
        if (json) {
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
