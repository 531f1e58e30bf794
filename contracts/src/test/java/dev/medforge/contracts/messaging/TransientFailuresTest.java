package dev.medforge.contracts.messaging;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactNotFoundException;
import dev.medforge.contracts.events.InvalidEventException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransientFailuresTest {

    private static final RetryPolicy QUICK = policy(Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(2));

    @Test
    void anOutageIsTransientWhereverItSitsInTheCauseChain() {
        assertTrue(TransientFailures.isTransient(new ProcessingException(new ConnectException("Connection refused"))));
        assertTrue(TransientFailures.isTransient(new IllegalStateException("merge failed", new ConnectException("refused"))));
        assertTrue(TransientFailures.isTransient(new NotEnoughReplicasException("broker restarting")));
        assertTrue(TransientFailures.isTransient(new UncheckedIOException(new IOException("disk busy"))));
        assertTrue(TransientFailures.isTransient(new IllegalStateException("db"), f -> f.getMessage().equals("db")));
    }

    @Test
    void inputThatCanNeverSucceedIsPermanentEvenWhenWrappedInAnIoError() {
        assertFalse(TransientFailures.isTransient(new InvalidEventException("data does not fit AdapterValidated")));
        assertFalse(TransientFailures.isTransient(new UncheckedIOException(new ArtifactNotFoundException(ArtifactDigest.parse("sha256:" + "0".repeat(64))))));
        assertFalse(TransientFailures.isTransient(new IllegalStateException("validated adapter no longer loads")));
        assertFalse(TransientFailures.isTransient(new IllegalArgumentException("unknown branch")));
    }

    @Test
    void aTransientFailureIsRetriedWithGrowingWaitsUntilItPasses() {
        AtomicInteger attempts = new AtomicInteger();
        TransientFailures.retry(QUICK, "test", () -> {
            if (attempts.incrementAndGet() < 4) {
                throw new UncheckedIOException(new ConnectException("refused"));
            }
        });
        assertEquals(4, attempts.get());
        assertEquals(Duration.ofMillis(10), TransientFailures.backoff(QUICK, 1));
        assertEquals(Duration.ofMillis(20), TransientFailures.backoff(QUICK, 2));
        assertEquals(Duration.ofMillis(40), TransientFailures.backoff(QUICK, 3));
        assertEquals(Duration.ofMillis(40), TransientFailures.backoff(QUICK, 30), "capped");
    }

    @Test
    void aPermanentFailureIsNotRetriedAndPropagatesAsItWas() {
        AtomicInteger attempts = new AtomicInteger();
        InvalidEventException malformed = new InvalidEventException("no");
        assertSame(malformed, assertThrows(InvalidEventException.class, () -> TransientFailures.retry(QUICK, "test", () -> {
            attempts.incrementAndGet();
            throw malformed;
        })));
        assertEquals(1, attempts.get());
    }

    @Test
    void anOutageLongerThanTheBudgetPropagatesTheLastFailureOnceTheBudgetIsSpent() {
        RetryPolicy short_ = policy(Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(300));
        long start = System.nanoTime();
        assertThrows(UncheckedIOException.class, () -> TransientFailures.retry(short_, "test", () -> {
            throw new UncheckedIOException(new ConnectException("refused"));
        }));
        long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(tookMillis >= 300 && tookMillis < 2_000, tookMillis + " ms");
    }

    @Test
    void handlersThatShareABudgetGiveUpOnceItIsSpentByAnEarlierOne() {
        long spent = System.nanoTime() - Duration.ofSeconds(3).toNanos();
        AtomicInteger attempts = new AtomicInteger();
        assertThrows(UncheckedIOException.class, () -> TransientFailures.retry(QUICK, "test", spent, () -> {
            attempts.incrementAndGet();
            throw new UncheckedIOException(new ConnectException("refused"));
        }));
        assertEquals(1, attempts.get(), "the shared budget of 2 s was spent 3 s ago");
    }

    @Test
    void aReactiveCallIsSubscribedAgainAfterEachWaitAndResumesOnTheGivenExecutor() {
        ExecutorService context = Executors.newSingleThreadExecutor(r -> new Thread(r, "the-context"));
        try {
            AtomicInteger attempts = new AtomicInteger();
            String result = TransientFailures.retry(QUICK, "test", f -> false, context, () -> {
                int attempt = attempts.incrementAndGet();
                if (attempt > 1) {
                    assertEquals("the-context", Thread.currentThread().getName());
                }
                return attempt < 3 ? Uni.createFrom().failure(new ConnectException("refused")) : Uni.createFrom().item("done");
            }).await().atMost(Duration.ofSeconds(5));
            assertEquals("done", result);
            assertEquals(3, attempts.get());

            AtomicInteger permanent = new AtomicInteger();
            assertThrows(IllegalArgumentException.class, () -> TransientFailures.retry(QUICK, "test", f -> false, context, () -> {
                permanent.incrementAndGet();
                return Uni.createFrom().<String>failure(new IllegalArgumentException("unknown branch"));
            }).await().atMost(Duration.ofSeconds(5)));
            assertEquals(1, permanent.get());
        } finally {
            context.shutdownNow();
        }
    }

    private static RetryPolicy policy(Duration initial, Duration max, Duration budget) {
        return new RetryPolicy() {
            @Override
            public Duration initialBackoff() {
                return initial;
            }

            @Override
            public Duration maxBackoff() {
                return max;
            }

            @Override
            public Duration budget() {
                return budget;
            }
        };
    }
}
