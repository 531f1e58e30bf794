package dev.medforge.merge.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a branch's next merge may start: the verdict on its composite in flight, or the end of the wait (issue 12). */
class CompositeVerdictsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger asked = new AtomicInteger();

    @Test
    void aBranchWithNothingInFlightDoesNotWaitNorAskTheRegistry() {
        verdicts((branch, composite) -> fail(), Duration.ofMinutes(1)).awaitVerdict("main");
        assertEquals(0, asked.get());
    }

    @Test
    void theWaitEndsWhenTheRegistryHasDecidedAndTheNextMergeDoesNotWaitAgain() {
        CompositeVerdicts verdicts = verdicts((branch, composite) -> asked.incrementAndGet() >= 3, Duration.ofMinutes(1));
        verdicts.created("main", "c1");
        verdicts.awaitVerdict("main");
        assertEquals(3, asked.get(), "asked until the registry had a decision");
        verdicts.awaitVerdict("main");
        assertEquals(3, asked.get(), "the decided composite is no longer in flight");
        assertEquals(1, waits("decided"));
    }

    @Test
    void aPublicationHeardOnTheBrokerEndsTheWaitWithoutTheRegistry() throws Exception {
        CompositeVerdicts verdicts = verdicts((branch, composite) -> false, Duration.ofMinutes(1));
        verdicts.created("main", "c1");
        verdicts.created("fork", "f1");
        Thread publication = new Thread(() -> {
            sleep(300);
            verdicts.decided("main", "someone-else's");
            verdicts.decided("fork", "f1");
            sleep(300);
            verdicts.decided("main", "c1");
        });
        publication.start();
        verdicts.awaitVerdict("main");
        publication.join();
        assertEquals(1, waits("decided"));
        assertTrue(meters.timer("medforge.merge.verdict.wait", "outcome", "decided").totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)
                >= 500, "another composite's decision did not end main's wait");
    }

    @Test
    void aVerdictThatNeverComesOrCannotBeAskedHoldsTheMergeOnlyUntilTheWaitEnds() {
        CompositeVerdicts never = verdicts((branch, composite) -> false, Duration.ofMillis(600));
        never.created("main", "c1");
        long start = System.nanoTime();
        never.awaitVerdict("main");
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(600).toNanos());
        assertEquals(1, waits("timeout"));

        CompositeVerdicts away = verdicts((branch, composite) -> {
            throw new IllegalStateException("registry away");
        }, Duration.ofMinutes(1));
        away.created("main", "c2");
        away.awaitVerdict("main");
        assertEquals(1, waits("unanswered"));
    }

    private CompositeVerdicts verdicts(BiPredicate<String, String> registryDecided, Duration wait) {
        return new CompositeVerdicts(registryDecided, wait, meters);
    }

    private long waits(String outcome) {
        return meters.timer("medforge.merge.verdict.wait", "outcome", outcome).count();
    }

    private boolean fail() {
        asked.incrementAndGet();
        throw new AssertionError("the registry was asked");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
