package dev.medforge.contracts.messaging;

import dev.medforge.contracts.artifacts.ArtifactCorruptedException;
import dev.medforge.contracts.artifacts.ArtifactNotFoundException;
import dev.medforge.contracts.artifacts.InvalidDigestException;
import dev.medforge.contracts.events.InvalidEventException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A dependency outage is a delay, never a loss. Every consumer that needs another service (the
 * registry's REST API, the artifact store, the broker, the database) runs its handling through
 * {@link #retry(RetryPolicy, String, Runnable)} or {@link #retry(RetryPolicy, String, Predicate, Executor, Supplier)}:
 * a failure that may pass is retried with exponential backoff within the policy's budget; anything
 * else, and a transient failure that outlasts the budget, propagates at once to the dead-letter path.
 *
 * <p>Transient: connection refused or reset, timeouts, HTTP 5xx, 408 and 429, a REST client that
 * could not complete the exchange, Kafka's retriable errors, and I/O errors other than an artifact
 * that is missing, corrupt or misnamed. Permanent: a malformed event, any other 4xx (a 404 branch or a
 * 422 will not change by waiting), a missing or corrupt artifact, and whatever else is not named here.
 * The cause chain is read outermost first, and the first link that is either decides.
 */
public final class TransientFailures {

    private static final Logger LOG = Logger.getLogger(TransientFailures.class);

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        return isTransient(failure, f -> false);
    }

    /** @param alsoTransient what the caller's own dependency reports as passing, e.g. a lost database connection */
    public static boolean isTransient(Throwable failure, Predicate<Throwable> alsoTransient) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable link = failure; link != null && seen.add(link); link = link.getCause()) {
            if (link instanceof InvalidEventException || link instanceof ArtifactNotFoundException
                    || link instanceof ArtifactCorruptedException || link instanceof InvalidDigestException) {
                return false;
            }
            if (link instanceof WebApplicationException http) {
                int code = http.getResponse() == null ? 500 : http.getResponse().getStatus();
                return code >= 500 || code == 408 || code == 429;
            }
            if (link instanceof ProcessingException || link instanceof SocketException || link instanceof SocketTimeoutException
                    || link instanceof TimeoutException || link instanceof RetriableException || link instanceof IOException
                    || alsoTransient.test(link)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code handler} on the calling (worker) thread until it succeeds, fails permanently, or
     * the budget is spent; waits block that thread, which holds back the consumer's later records:
     * they would meet the same outage.
     */
    public static void retry(RetryPolicy policy, String what, Runnable handler) {
        retry(policy, what, System.nanoTime(), handler);
    }

    /**
     * The same with the budget counted from {@code start} ({@link System#nanoTime()}), for handlers that
     * share one: the messages of a batch wait behind each other, and a record unacknowledged for
     * longer than the channel allows would take the consumer down.
     */
    public static void retry(RetryPolicy policy, String what, long start, Runnable handler) {
        for (int attempt = 1; ; attempt++) {
            try {
                handler.run();
                if (attempt > 1) {
                    LOG.infof("%s succeeded at attempt %d after %d ms", what, attempt, elapsed(start).toMillis());
                }
                return;
            } catch (RuntimeException failure) {
                Duration wait = nextWait(policy, what, attempt, start, failure, f -> false).orElseThrow(() -> failure);
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(interrupted);
                    throw failure;
                }
            }
        }
    }

    /** {@link #retry(RetryPolicy, String, Predicate, Executor, Supplier)} for a caller whose dependencies fail only in the ways named above. */
    public static <T> Uni<T> retry(RetryPolicy policy, String what, Executor resumeOn, Supplier<Uni<? extends T>> call) {
        return retry(policy, what, failure -> false, resumeOn, call);
    }

    /**
     * The same for handlers that run on an event loop: {@code call} is subscribed again after each
     * wait, resumed through {@code resumeOn} (the message's Vert.x context, where a reactive
     * database session must be opened).
     */
    public static <T> Uni<T> retry(RetryPolicy policy, String what, Predicate<Throwable> alsoTransient, Executor resumeOn,
                                   Supplier<Uni<? extends T>> call) {
        long start = System.nanoTime();
        AtomicInteger attempts = new AtomicInteger();
        return TransientFailures.<T>attempt(policy, what, alsoTransient, resumeOn, call, attempts, start).invoke(() -> {
            if (attempts.get() > 1) {
                LOG.infof("%s succeeded at attempt %d after %d ms", what, attempts.get(), elapsed(start).toMillis());
            }
        });
    }

    private static <T> Uni<T> attempt(RetryPolicy policy, String what, Predicate<Throwable> alsoTransient, Executor resumeOn,
                                      Supplier<Uni<? extends T>> call, AtomicInteger attempts, long start) {
        return Uni.createFrom().<T>deferred(() -> {
                    attempts.incrementAndGet();
                    return call.get();
                })
                .onFailure().recoverWithUni(failure -> nextWait(policy, what, attempts.get(), start, failure, alsoTransient)
                        .map(wait -> Uni.createFrom().voidItem().onItem().delayIt().by(wait).emitOn(resumeOn)
                                .flatMap(ignored -> TransientFailures.<T>attempt(policy, what, alsoTransient, resumeOn, call, attempts, start)))
                        .orElseGet(() -> Uni.createFrom().failure(failure)));
    }

    /** The wait before the next attempt; empty when there is to be none and {@code failure} is final. */
    private static Optional<Duration> nextWait(RetryPolicy policy, String what, int attempt, long start, Throwable failure,
                                               Predicate<Throwable> alsoTransient) {
        if (!isTransient(failure, alsoTransient)) {
            return Optional.empty();
        }
        Duration left = policy.budget().minus(elapsed(start));
        if (left.isNegative() || left.isZero()) {
            LOG.errorf("%s: giving up after %d attempts in %d s (budget %s): %s", what, attempt, elapsed(start).toSeconds(),
                    policy.budget(), failure);
            return Optional.empty();
        }
        Duration wait = backoff(policy, attempt);
        wait = wait.compareTo(left) > 0 ? left : wait;
        LOG.warnf("%s failed (attempt %d, %d s so far), retrying in %d ms: %s", what, attempt, elapsed(start).toSeconds(),
                wait.toMillis(), failure);
        return Optional.of(wait);
    }

    /** {@code initial * 2^(attempt-1)}, capped at the policy's longest wait. */
    static Duration backoff(RetryPolicy policy, int attempt) {
        Duration wait = policy.initialBackoff();
        for (int i = 1; i < attempt && wait.compareTo(policy.maxBackoff()) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(policy.maxBackoff()) > 0 ? policy.maxBackoff() : wait;
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
