package dev.medforge.merge.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The merges a worker is asked for, per branch: they run one at a time, and a merge takes in every
 * request of its branch that waits and may join others, whichever channel brought it. The validated
 * and rebase channels run on threads of their own, so a stale adapter's rebase and a new adapter of
 * one branch used to be merged at the same moment onto the same head. Only one of the two
 * composites could become the next version; the other was stale before it was evaluated and came
 * back for a third merge, and the two merges split the cores between them (the 20-institution fusion
 * load test: 6.7 and 8.2 s instead of about 5 s, and 31.9 s from submission to publication for the
 * adapter merged three times).
 *
 * <p>Before a merge takes its requests, the branch must be ready for it: the composite in flight is
 * decided ({@link dev.medforge.merge.service.CompositeVerdicts}).
 *
 * <p>A caller returns when the merge that took its request is done, and throws what its request's
 * merge threw, so each channel still acknowledges or dead-letters its own messages only after the
 * composite, or the failure, is settled.
 *
 * @param <R> what one request asks to merge
 */
final class BranchMergeQueue<R> {

    private final Map<String, Branch<R>> branches = new ConcurrentHashMap<>();
    private final Consumer<String> ready;

    /**
     * @param ready returns when the branch may have its next merge (the verdict on its composite in
     *              flight); it runs in turn, before a merge takes its requests, so that those that
     *              come meanwhile join it
     */
    BranchMergeQueue(Consumer<String> ready) {
        this.ready = ready;
    }

    private static final class Branch<R> {
        final ReentrantLock merging = new ReentrantLock();
        final List<Waiting<R>> waiting = new ArrayList<>();
    }

    private record Waiting<R>(R request, boolean mayJoinOthers, CompletableFuture<Void> merged) {
    }

    /**
     * Merges {@code request} on {@code branch} through {@code merge}: alone if it may not join others,
     * else together with every other such request of the branch waiting at that moment, in the order
     * they came. Blocks until that merge is done.
     */
    void merge(String branch, R request, boolean mayJoinOthers, Consumer<List<R>> merge) {
        Branch<R> queue = branches.computeIfAbsent(branch, b -> new Branch<>());
        Waiting<R> mine = new Waiting<>(request, mayJoinOthers, new CompletableFuture<>());
        synchronized (queue.waiting) {
            queue.waiting.add(mine);
        }
        queue.merging.lock();
        try {
            if (!mine.merged().isDone()) {
                ready.accept(branch);
                List<Waiting<R>> taken = take(queue, mine);
                try {
                    merge.accept(taken.stream().map(Waiting::request).toList());
                    taken.forEach(w -> w.merged().complete(null));
                } catch (RuntimeException e) {
                    if (taken.size() == 1) {
                        mine.merged().completeExceptionally(e);
                    } else {
                        taken.forEach(w -> alone(w, merge));
                    }
                } catch (Error e) {
                    // Every taken request must learn the outcome, or its caller would wait forever.
                    taken.forEach(w -> w.merged().completeExceptionally(e));
                }
            }
        } finally {
            queue.merging.unlock();
        }
        try {
            mine.merged().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (RuntimeException) e.getCause();
        }
    }

    /**
     * A joined merge that failed is tried again request by request, so that one request that cannot
     * be merged (or one whose budget ran out) fails alone, as it would have without company.
     */
    private static <R> void alone(Waiting<R> waiting, Consumer<List<R>> merge) {
        try {
            merge.accept(List.of(waiting.request()));
            waiting.merged().complete(null);
        } catch (RuntimeException | Error e) {
            waiting.merged().completeExceptionally(e);
        }
    }

    private static <R> List<Waiting<R>> take(Branch<R> queue, Waiting<R> mine) {
        synchronized (queue.waiting) {
            List<Waiting<R>> taken = mine.mayJoinOthers()
                    ? queue.waiting.stream().filter(Waiting::mayJoinOthers).toList()
                    : List.of(mine);
            queue.waiting.removeAll(taken);
            return taken;
        }
    }
}
