package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.contracts.Topics;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code medforge ops ...}: the operator's view of the pipeline itself. */
@Command(name = "ops", description = "Operate the pipeline (operator).", subcommands = {OpsCommand.Dlq.class, OpsCommand.Timings.class})
public final class OpsCommand {

    @Command(name = "timings", mixinStandardHelpOptions = true,
            description = "Queue waits per topic and time per pipeline stage: count, mean, median and 95th percentile,"
                    + " read from every part's metrics since it started.")
    static final class Timings extends GatewayVerb {

        @Override
        public Integer call() {
            JsonNode timings = gateway.client().get("/api/v1/ops/timings");
            Output out = out();
            if (json()) {
                out.json(timings);
                return 0;
            }
            out.line("%-48s %8s %10s %10s %10s", "waited on topic / stage", "count", "mean s", "median s", "p95 s");
            for (String kind : new String[] {"queueWaits", "stages"}) {
                for (JsonNode t : timings.path(kind)) {
                    out.line("%-48s %8d %10s %10s %10s", (kind.equals("queueWaits") ? "waited on " : "") + t.path("name").asText(),
                            t.path("count").asLong(), seconds(t, "meanSeconds"), seconds(t, "p50Seconds"), seconds(t, "p95Seconds"));
                }
            }
            for (JsonNode unread : timings.path("unread")) {
                out.line("metrics not read from %s", unread.asText());
            }
            return 0;
        }

        /** A percentile in the histograms' open last bucket is only known to be at least its bound. */
        private static String seconds(JsonNode timing, String field) {
            JsonNode value = timing.path(field);
            if (!value.isNumber()) {
                return "-";
            }
            boolean atTop = !field.equals("meanSeconds") && timing.path("topSeconds").isNumber()
                    && value.asDouble() >= timing.path("topSeconds").asDouble();
            return (atTop ? ">=" : "") + String.format(Locale.ROOT, "%.3f", value.asDouble());
        }
    }

    @Command(name = "dlq", description = "Dead-letter queues: list a topic's DLQ and replay it.",
            subcommands = {Dlq.ListLetters.class, Dlq.Replay.class})
    static final class Dlq {

        @Command(name = "list", mixinStandardHelpOptions = true,
                description = "The records on TOPIC's DLQ: offset, time, reason, and the event with its submissions, or why it is no event.")
        static final class ListLetters extends GatewayVerb {

            @Mixin
            Selection selection;

            @Override
            public Integer call() {
                selection.check();
                StringBuilder query = new StringBuilder("?topic=").append(GatewayClient.segment(selection.topic));
                if (selection.submission != null) {
                    query.append("&submission=").append(GatewayClient.segment(selection.submission));
                }
                JsonNode queue = gateway.client().get("/api/v1/ops/dlq" + query);
                Output out = out();
                if (json()) {
                    out.json(queue);
                    return 0;
                }
                out.line("%s: %d record(s)", queue.path("deadLetterTopic").asText(), queue.path("records").size());
                for (JsonNode r : queue.path("records")) {
                    String what = r.path("eventId").isTextual()
                            ? "event " + r.path("eventId").asText() + " submissions " + submissions(r)
                            : "no event (" + r.path("undecodable").asText() + ")";
                    out.line("%d/%d  %s  %s  reason: %s%s", r.path("partition").asInt(), r.path("offset").asLong(),
                            r.path("timestamp").asText(), what, r.path("reason").asText("-"),
                            r.path("replayedAs").isTextual() ? "  replayed as " + r.path("replayedAs").asText() : "");
                }
                return 0;
            }
        }

        @Command(name = "replay", mixinStandardHelpOptions = true,
                description = "Send the records on TOPIC's DLQ back to TOPIC, each once; what was already replayed, or is no event, is skipped.")
        static final class Replay extends GatewayVerb {

            @Mixin
            Selection selection;

            @Override
            public Integer call() {
                selection.check();
                ObjectNode request = GatewayClient.JSON.createObjectNode().put("topic", selection.topic);
                if (selection.submission != null) {
                    request.put("submission", selection.submission);
                }
                JsonNode replay = gateway.client().postJson("/api/v1/ops/dlq/replay", request);
                Output out = out();
                if (json()) {
                    out.json(replay);
                    return 0;
                }
                for (JsonNode r : replay.path("replayed")) {
                    out.line("replayed %d/%d  event %s as %s  submissions %s", r.path("partition").asInt(), r.path("offset").asLong(),
                            r.path("eventId").asText(), r.path("replayedAs").asText(), submissions(r));
                }
                for (JsonNode s : replay.path("skipped")) {
                    out.line("skipped  %d/%d  %s: %s", s.path("partition").asInt(), s.path("offset").asLong(),
                            s.path("reason").asText(), s.path("detail").asText());
                }
                out.line("%d replayed, %d skipped from %s", replay.path("replayed").size(), replay.path("skipped").size(),
                        replay.path("deadLetterTopic").asText());
                return 0;
            }
        }

        /** Which DLQ, and optionally which submission's records on it. */
        static final class Selection {

            @Option(names = "--topic", required = true, paramLabel = "TOPIC",
                    description = "the pipeline topic whose DLQ it is (not the .dlq name), e.g. " + Topics.ADAPTER_VALIDATED)
            String topic;

            @Option(names = "--submission", paramLabel = "ID", description = "only the records that name this submission")
            String submission;

            /** Said here with the option's name, before anyone signs in; the gateway checks the same rule. */
            void check() {
                if (!Topics.ALL.contains(topic)) {
                    throw CliException.usage("--topic " + topic + " is not a pipeline topic; name the topic, not its DLQ, one of "
                            + String.join(", ", Topics.ALL));
                }
                if (submission != null && submission.isBlank()) {
                    throw CliException.usage("--submission must not be blank");
                }
            }
        }

        private static String submissions(JsonNode record) {
            String ids = StreamSupport.stream(record.path("submissionIds").spliterator(), false)
                    .map(JsonNode::asText).collect(Collectors.joining(","));
            return ids.isEmpty() ? "-" : ids;
        }
    }
}
