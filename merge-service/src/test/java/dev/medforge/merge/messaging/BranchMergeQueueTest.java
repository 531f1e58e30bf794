package dev.medforge.merge.messaging;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One branch's merges run one at a time; those that wait together and may join share one merge (issue 12). */
class BranchMergeQueueTest {

    /** A branch whose composite in flight is not yet decided: its next merge may not take its requests. */
    private volatile String undecidedBranch;
    private final CountDownLatch verdict = new CountDownLatch(1);
    private final BranchMergeQueue<String> queue = new BranchMergeQueue<>(branch -> {
        if (branch.equals(undecidedBranch)) {
            await(verdict);
        }
    });
    private final List<List<String>> merges = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Throwable> outcomes = new ConcurrentHashMap<>();
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    /** The first merge of "main" holds the branch until released, so that the others queue behind it. */
    private final Consumer<List<String>> slowFirst = requests -> {
        merges.add(requests);
        firstStarted.countDown();
        await(releaseFirst);
    };

    @Test
    void requestsThatWaitTogetherShareOneMergeAndOneThatMayNotJoinRunsAlone() throws Exception {
        Thread first = caller("main", "a", true, slowFirst);
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
        Thread newAdapter = queued("main", "b", true, merges::add);
        Thread splitHalf = queued("main", "c", false, merges::add);
        Thread staleRebase = queued("main", "d", true, merges::add);
        Thread otherBranch = caller("fork", "e", true, merges::add);
        otherBranch.join(10_000);
        assertFalse(otherBranch.isAlive(), "another branch does not wait for main's merge");
        assertEquals(List.of(List.of("a"), List.of("e")), List.copyOf(merges));

        releaseFirst.countDown();
        for (Thread t : List.of(first, newAdapter, splitHalf, staleRebase)) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }

        assertEquals(5, outcomes.size(), "every caller returned");
        assertTrue(outcomes.values().stream().allMatch(o -> o == NONE), outcomes.toString());
        assertEquals(4, merges.size(), "a, e, then b with d, and c alone: " + merges);
        assertEquals(Set.of(List.of("a"), List.of("e"), List.of("b", "d"), List.of("c")), Set.copyOf(merges));
    }

    @Test
    void aJoinedMergeThatFailsIsTriedRequestByRequestSoOnlyTheBadOneFails() throws Exception {
        Thread first = caller("main", "a", true, slowFirst);
        assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
        Consumer<List<String>> unmergeableX = requests -> {
            merges.add(requests);
            if (requests.contains("x")) {
                throw new IllegalArgumentException("x targets other modules");
            }
        };
        Thread good = queued("main", "b", true, unmergeableX);
        Thread bad = queued("main", "x", true, unmergeableX);

        releaseFirst.countDown();
        for (Thread t : List.of(first, good, bad)) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }

        assertEquals(List.of(List.of("a"), List.of("b", "x"), List.of("b"), List.of("x")), List.copyOf(merges));
        assertEquals(NONE, outcomes.get("a"));
        assertEquals(NONE, outcomes.get("b"), "the good request is merged without the bad one");
        assertEquals("x targets other modules", outcomes.get("x").getMessage());
    }

    /**
     * A merge waits for the verdict on its branch's composite in flight before it takes its requests,
     * so a request that comes meanwhile joins it; another branch does not wait for that verdict.
     */
    @Test
    void aMergeWaitsUntilItsBranchIsReadyAndTakesInWhatCameMeanwhile() throws Exception {
        undecidedBranch = "main";
        Thread first = caller("main", "a", true, merges::add);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.TIMED_WAITING, first.getState(), "a waits for main's verdict");
        Thread arrived = queued("main", "b", true, merges::add);
        Thread otherBranch = caller("fork", "e", true, merges::add);
        otherBranch.join(10_000);
        assertEquals(List.of(List.of("e")), List.copyOf(merges), "nothing of main is merged before its verdict");

        verdict.countDown();
        for (Thread t : List.of(first, arrived)) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        assertEquals(List.of(List.of("e"), List.of("a", "b")), List.copyOf(merges));
        assertEquals(NONE, outcomes.get("b"));
    }

    private static final Throwable NONE = new Throwable("none");

    private Thread caller(String branch, String request, boolean mayJoinOthers, Consumer<List<String>> merge) {
        Thread t = new Thread(() -> {
            try {
                queue.merge(branch, request, mayJoinOthers, merge);
                outcomes.put(request, NONE);
            } catch (RuntimeException e) {
                outcomes.put(request, e);
            }
        }, "caller-" + request);
        t.start();
        return t;
    }

    /** A caller that has queued on the branch: parked on its lock, so its request is among the waiting ones. */
    private Thread queued(String branch, String request, boolean mayJoinOthers, Consumer<List<String>> merge) throws InterruptedException {
        Thread t = caller(branch, request, mayJoinOthers, merge);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, t.getState(), request + " queued");
        return t;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
