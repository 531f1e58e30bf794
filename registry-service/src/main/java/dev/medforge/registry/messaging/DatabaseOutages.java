package dev.medforge.registry.messaging;

import dev.medforge.contracts.messaging.TransientFailures;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.util.Set;

/**
 * What the registry's database reports when it is away rather than when the event is wrong, for
 * {@link TransientFailures}: a refused connection is already transient there; these are the ones
 * only the PostgreSQL client knows.
 */
final class DatabaseOutages {

    /**
     * SQLSTATE classes that a restart, an overload or a conflicting transaction raise: connection
     * exceptions (08), transaction rollback (40: serialization failure, deadlock), insufficient
     * resources (53), operator intervention (57: admin shutdown, crash shutdown, cannot connect now)
     * and system errors (58). Integrity and syntax errors (23, 42) stay permanent.
     */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");

    private DatabaseOutages() {
    }

    static boolean isOutage(Throwable failure) {
        if (failure instanceof ClosedConnectionException) {
            return true;
        }
        return failure instanceof DatabaseException database && database.getSqlState() != null
                && database.getSqlState().length() >= 2 && TRANSIENT_CLASSES.contains(database.getSqlState().substring(0, 2));
    }
}
