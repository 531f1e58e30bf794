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
        assertTrue(status.out().contains("withdrawal from " + branch + " asked by hospital-a at "), status.toString());
        assertTrue(status.out().contains(": PUBLISHED, version 3 and later omit it"), status.toString());
    }

    @Test
    void theOperatorRetiresTheVersionsAWithdrawalSupersededAndGivesThemBack() throws Exception {
        String first = submitted(43);
        String second = submitted(44);
        published(0, first);
        published(1, second);
        await(() -> cli.run("hospital-a", "status", second), r -> r.out().contains("stage PUBLISHED"));
        assertEquals(0, cli.login("ops").exit());
        // Without --branch: the operator may read any institution's submission, so the CLI finds its branch.
        Cli.Result withdrawn = cli.run("ops", "withdraw", second);
        assertEquals(0, withdrawn.exit(), withdrawn.toString());
        published(2, List.of(), List.of(ref(second)));
        // PUBLISHED is final already, so waiting for the withdrawal needs the stage named.
        Cli.Result watched = cli.run("hospital-a", "watch", "--until-final", second, "--until-stage", "WITHDRAWN", "--timeout", "60");
        assertEquals(0, watched.exit(), watched.toString());
        assertTrue(watched.err().contains(second + " WITHDRAWN"), watched.toString());
        Cli.Result noIds = cli.run("hospital-a", "watch", "--until-stage", "WITHDRAWN", "--timeout", "3");
        assertEquals(2, noIds.exit(), noIds.toString());
        assertTrue(noIds.err().contains("--until-stage needs --until-final ID..."), noIds.toString());
        Cli.Result stillIn = cli.run("hospital-a", "watch", "--until-final", first, "--until-stage", "WITHDRAWN", "--timeout", "3");
        assertEquals(5, stillIn.exit(), stillIn.toString());

        Cli.Result versions = cli.run("hospital-a", "versions", "--branch", branch);
        assertTrue(versions.out().lines().anyMatch(l -> l.startsWith("v2 ") && l.endsWith("superseded by v3")), versions.toString());
        assertTrue(versions.out().lines().noneMatch(l -> l.startsWith("v1 ") && l.contains("superseded")), versions.toString());

        Cli.Result noReason = cli.run("ops", "retire", "--branch", branch, "--superseded");
        assertEquals(2, noReason.exit(), noReason.toString());
        Cli.Result notOperator = cli.run("hospital-a", "retire", "--branch", branch, "--version", "2", "--reason", "mine");
        assertEquals(3, notOperator.exit(), notOperator.toString());
        Cli.Result head = cli.run("ops", "retire", "--branch", branch, "--version", "3", "--reason", "no");
        assertEquals(4, head.exit(), head.toString());
        assertTrue(head.err().contains("HEAD_VERSION version"), head.toString());

        Cli.Result retired = cli.run("ops", "retire", "--branch", branch, "--superseded", "--reason", "consent withdrawn");
        assertEquals(0, retired.exit(), retired.toString());
        assertEquals(branch + " v2: download unavailable (consent withdrawn)", retired.out().strip(), retired.toString());
        Cli.Result card = cli.run("hospital-a", "card", "--branch", branch, "--version", "2");
        assertTrue(card.out().contains("  superseded by v3, which omits " + second + " of hospital-a"), card.toString());
        assertTrue(card.out().contains("  download unavailable since ") && card.out().contains("(ops): consent withdrawn"), card.toString());
        Cli.Result pull = cli.run("hospital-a", "pull", "--branch", branch, "--version", "2", "--out", dir.resolve("pulled").toString());
        assertEquals(4, pull.exit(), pull.toString());
        assertTrue(pull.err().contains("v2 of " + branch + " may no longer be downloaded: consent withdrawn (ops, ")
                && pull.err().contains("; pull v3 instead"), pull.toString());
        assertTrue(!pull.err().contains("warning"), "no advice to use a version that will not download: " + pull);

        Cli.Result restored = cli.run("ops", "retire", "--branch", branch, "--superseded", "--restore");
        assertEquals(0, restored.exit(), restored.toString());
        assertEquals(branch + " v2: downloadable", restored.out().strip(), restored.toString());
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
