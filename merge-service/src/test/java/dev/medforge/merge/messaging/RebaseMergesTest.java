package dev.medforge.merge.messaging;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.CompositeRebase.Reason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which rebases of one poll share a composite (issue 12: rebases that converge). */
class RebaseMergesTest {

    private static final AdapterRef A = adapter("a");
    private static final AdapterRef B = adapter("b");
    private static final AdapterRef C = adapter("c");
    private static final AdapterRef D = adapter("d");

    @Test
    void staleRebasesOfOneBranchShareOneMergeAndEveryOtherKindIsMergedAsAsked() {
        CompositeRebase staleA = rebase("main", List.of(A), null, List.of(), Reason.STALE);
        CompositeRebase splitB = rebase("main", List.of(B), null, List.of(), Reason.SPLIT);
        CompositeRebase notOwnedC = rebase("main", List.of(C), null, List.of(), Reason.NOT_OWNED);
        CompositeRebase mixtureD = rebase("main", List.of(D), "mixture", List.of(), Reason.FALLBACK);
        CompositeRebase withdrawal = rebase("main", List.of(), null, List.of(A), Reason.WITHDRAWAL);
        CompositeRebase staleWithdrawal = rebase("main", List.of(), null, List.of(B), Reason.STALE);
        CompositeRebase otherBranch = rebase("fork", List.of(D), null, List.of(), Reason.STALE);
        CompositeRebase beforeReasons = rebase("main", List.of(D), null, List.of(), null);

        List<List<CompositeRebase>> merges = MergeWorker.merges(
                List.of(staleA, splitB, notOwnedC, mixtureD, withdrawal, staleWithdrawal, otherBranch, beforeReasons), Function.identity());

        assertEquals(List.of(
                List.of(staleA, notOwnedC, beforeReasons),
                List.of(otherBranch),
                List.of(splitB),
                List.of(mixtureD),
                List.of(withdrawal),
                List.of(staleWithdrawal)), merges);
    }

    @Test
    void aBatchOfSplitHalvesStaysApart() {
        CompositeRebase first = rebase("main", List.of(A, B), null, List.of(), Reason.SPLIT);
        CompositeRebase second = rebase("main", List.of(C), null, List.of(), Reason.SPLIT);

        assertEquals(List.of(List.of(first), List.of(second)), MergeWorker.merges(List.of(first, second), Function.identity()));
    }

    private static CompositeRebase rebase(String branch, List<AdapterRef> adapters, String strategy, List<AdapterRef> withdrawn,
                                          Reason reason) {
        return new CompositeRebase(branch, 1, "c-1", "c-0", adapters, strategy, withdrawn, reason);
    }

    private static AdapterRef adapter(String id) {
        return new AdapterRef(id, "hospital-" + id, "task-" + id, "sha256:" + id, "sha256:" + id, "sha256:" + id);
    }
}
