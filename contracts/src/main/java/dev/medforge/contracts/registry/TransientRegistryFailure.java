package dev.medforge.contracts.registry;

import dev.medforge.contracts.messaging.TransientFailures;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import java.util.function.Predicate;

/**
 * Which failed registry reads {@link RegistryClient} tries again: those {@link TransientFailures}
 * calls transient (no connection, a 5xx, 408, 429), the same rule the consumers' own retries apply.
 * A read that timed out is not among them: a registry that is slow would only get more to do.
 */
public final class TransientRegistryFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        return !(failure instanceof TimeoutException)
                && TransientFailures.isTransient(failure);
    }
}
