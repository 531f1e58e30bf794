package dev.medforge.registry.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "medforge.registry")
public interface RegistryConfig {

    /** Policy of a branch created without one. */
    BranchDefaults branchDefaults();

    /**
     * How long the registry's consumers retry an event whose transaction failed because the database
     * was unreachable or restarting, before they dead-letter it.
     */
    RetryPolicy dependencyRetry();

    /** How often the outbox relay looks for unsent events; also the worst-case publish delay (Quarkus's floor is 1 s). */
    @WithDefault("1s")
    Duration outboxInterval();

    /** Most events the relay sends in one round. */
    @WithDefault("100")
    int outboxBatch();

    /**
     * How long a submission may go without a new status before the stall sweeper ends it REJECTED
     * with reason {@code STALLED}: longer than the slowest stage (a merge with its coefficient search,
     * or a queue behind one) is expected to take.
     */
    @WithDefault("30m")
    Duration stallAfter();

    /** How often the stall sweeper looks; a stalled submission is ended at most this long after its limit. */
    @WithDefault("1m")
    Duration stallCheckInterval();

    /** Most submissions the sweeper ends in one round (one transaction); the rest wait for the next. */
    @WithDefault("100")
    int stallBatch();

    Webhooks webhooks();

    interface Webhooks {

        /** Webhooks one subscriber may hold, so that nobody can make the gateways post to many URLs per event. */
        @WithDefault("5")
        int maxPerOwner();

        /** Delivery log entries kept per webhook; the oldest go first. */
        @WithDefault("100")
        int logSize();
    }

    interface BranchDefaults {
        @WithDefault("fusion")
        String strategy();

        @WithDefault("2.0")
        double maxRegression();

        @WithDefault("5.0")
        double maxNewTaskGap();

        @WithDefault("16")
        int rankLimit();

        @WithDefault("50.0")
        double normBound();

        @WithDefault("0.60")
        double maxMembershipAuc();

        @WithDefault("0.5")
        double minNearestRealRatio();

        @WithDefault("50")
        int maxDistilledPerClass();

        /**
         * Off by default: reports of schema 1 (ratios only, from before the audit, or from
         * {@code distill --no-audit}) stay acceptable until the operator requires the audit.
         */
        @WithDefault("false")
        boolean privacyAuditRequired();
    }
}
