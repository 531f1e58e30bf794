package dev.medforge.cli.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.testing.TopicProbe;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 14: {@code medforge withdraw ID} through the real gateway, registry, broker and Keycloak. */
class WithdrawTest extends BranchWithTopsTest {

    /** The composites' and adapters' digest: the registry and gateway only pass it on. */
    private static final String DIGEST = "sha256:" + "ee".repeat(32);

    @Test
    void theOwnerWithdrawsAPublishedSubmissionAnotherInstitutionIsToldItDoesNotExistAndARepeatNamesTheRule() throws Exception {
        String first = submitted(41);
        String second = submitted(42);
        published(0, first);
        published(1, second);
        await(() -> cli.run("hospital-a", "status", second), r -> r.out().contains("stage PUBLISHED"));

        assertEquals(0, cli.login("hospital-b").exit());
        Cli.Result stranger = cli.run("hospital-b", "withdraw", second, "--branch", branch);
        assertEquals(4, stranger.exit(), stranger.toString());
        assertEquals("", stranger.out());

        Cli.Result withdrawn = cli.run("hospital-a", "withdraw", second);
        assertEquals(0, withdrawn.exit(), withdrawn.toString());
        assertTrue(withdrawn.out().startsWith("withdrawal of " + second + " (hospital-a/tops) from " + branch + " requested by hospital-a"),
                withdrawn.toString());
        assertTrue(withdrawn.out().contains(": PENDING"), withdrawn.toString());

        Cli.Result again = cli.run("hospital-a", "withdraw", second, "--branch", branch, "--json");
        assertEquals(4, again.exit(), again.toString());
        assertTrue(again.err().contains("WITHDRAWAL_PENDING"), again.toString());

        published(2, List.of(), List.of(ref(second)));
        Cli.Result card = cli.run("hospital-a", "card", "--branch", branch, "--version", "3");
        assertEquals(0, card.exit(), card.toString());
        assertTrue(card.out().contains("  withdrawn " + second + "  hospital-a/tops  from v3, at the request of hospital-a"), card.toString());
        assertTrue(card.out().contains("adapter " + first) && !card.out().contains("adapter " + second), card.toString());
        Cli.Result status = await(() -> cli.run("hospital-a", "status", second), r -> r.out().contains("stage WITHDRAWN"));
        assertEquals(0, status.exit(), status.toString());
    }

    private String submitted(long seed) throws Exception {
        Cli.Result submitted = submit(seed, "{\"task\":\"tops\"}");
        assertEquals(0, submitted.exit(), submitted.toString());
        return submitted.line();
    }

    /** Plays merge and eval: {@code id} passes the gate on top of version {@code parent}. */
    private void published(int parent, String id) throws Exception {
        published(parent, List.of(ref(id)), List.of());
    }

    /** Plays merge and eval: a composite adding {@code added} and leaving out {@code withdrawn} passes the gate on {@code parent}. */
    private void published(int parent, List<AdapterRef> added, List<AdapterRef> withdrawn) throws Exception {
        TopicProbe.send(Topics.COMPOSITE_EVALUATED, EventEnvelope.wrap("cli-test", new CompositeEvaluated("c-" + UUID.randomUUID(), branch,
                parent, "fusion", DIGEST, added, Map.of(), Map.of(), Map.of("tops", new TaskMetrics(0.9, 0.95, 100)),
                Map.of(), Map.of(), new CompositeEvaluated.GateDecision(true, List.of()), withdrawn)));
        int version = parent + 1;
        await(() -> cli.run("hospital-a", "versions", "--branch", branch), r -> r.out().contains("v" + version + " "));
    }

    private static AdapterRef ref(String id) {
        return new AdapterRef(id, "hospital-a", "tops", DIGEST, DIGEST, DIGEST);
    }
}
