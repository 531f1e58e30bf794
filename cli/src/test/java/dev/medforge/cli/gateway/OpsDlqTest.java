package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.testing.TopicProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The operator's DLQ verbs against the real gateway and broker, on a dead-lettered status of a submission of the test's own. */
@ExtendWith(GatewayStack.class)
class OpsDlqTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Cli cli;

    @BeforeEach
    void cli() {
        cli = new Cli(dir.resolve("config"), GatewayStack.gatewayUrl());
    }

    @Test
    void theOperatorListsADlqAndReplaysItsEventOnce() throws Exception {
        String submission = "cli-dlq-" + UUID.randomUUID();
        EventEnvelope<SubmissionStatus> event = EventEnvelope.wrap("cli-test",
                new SubmissionStatus(submission, "hospital-a", "cli-dlq", SubmissionStatus.Stage.RECEIVED, "dead-lettered by the test"));
        TopicProbe.send(Topics.deadLetter(Topics.SUBMISSION_STATUS), event);
        assertEquals(0, cli.login("ops").exit());

        Cli.Result list = cli.run("ops", "ops", "dlq", "list", "--topic", Topics.SUBMISSION_STATUS, "--submission", submission);
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().contains("1 record(s)") && list.out().contains("event " + event.id() + " submissions " + submission),
                list.toString());

        try (TopicProbe status = TopicProbe.tail(Topics.SUBMISSION_STATUS)) {
            Cli.Result replay = cli.run("ops", "ops", "dlq", "replay", "--topic", Topics.SUBMISSION_STATUS, "--submission", submission,
                    "--json");
            assertEquals(0, replay.exit(), replay.toString());
            assertEquals(event.id(), JSON.readTree(replay.out()).path("replayed").path(0).path("eventId").asText(), replay.toString());
            String value = EventCodec.encode(event);
            status.await(r -> value.equals(r.value()), Duration.ofSeconds(30));

            Cli.Result again = cli.run("ops", "ops", "dlq", "replay", "--topic", Topics.SUBMISSION_STATUS, "--submission", submission);
            assertEquals(0, again.exit(), again.toString());
            assertTrue(again.out().contains("ALREADY_REPLAYED") && again.out().contains("0 replayed, 1 skipped"), again.toString());
            assertEquals(1, status.seen().stream().filter(r -> r.value().contains(submission)).count(), "sent once");
        }
        JsonNode listed = JSON.readTree(cli.run("ops", "ops", "dlq", "list", "--topic", Topics.SUBMISSION_STATUS,
                "--submission", submission, "--json").out());
        assertTrue(listed.path("records").path(0).path("replayedAs").asText().startsWith(Topics.SUBMISSION_STATUS + "/"), listed.toString());
    }

    @Test
    void aTopicOutsideThePipelineOrNoneIsAUsageErrorNamingTheOption() {
        Cli.Result dlqName = cli.run("ops", "ops", "dlq", "list", "--topic", Topics.deadLetter(Topics.ADAPTER_VALIDATED));
        assertEquals(2, dlqName.exit(), dlqName.toString());
        assertTrue(dlqName.err().contains("--topic " + Topics.deadLetter(Topics.ADAPTER_VALIDATED) + " is not a pipeline topic"),
                dlqName.toString());
        Cli.Result none = cli.run("ops", "ops", "dlq", "replay");
        assertEquals(2, none.exit(), none.toString());
        assertTrue(none.err().contains("--topic"), none.toString());
    }

    @Test
    void aContributorMayNotReplay() {
        assertEquals(0, cli.login("hospital-a").exit());
        Cli.Result refused = cli.run("hospital-a", "ops", "dlq", "replay", "--topic", Topics.ADAPTER_VALIDATED);
        assertEquals(3, refused.exit(), refused.toString());
    }
}
