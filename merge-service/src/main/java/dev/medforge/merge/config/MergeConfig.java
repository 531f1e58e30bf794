package dev.medforge.merge.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The coefficient search of MedForge-Fusion and -Mixture, as in the paper unless changed here, and
 * how long a merge waits out the registry or the store being away.
 */
@ConfigMapping(prefix = "medforge.merge")
public interface MergeConfig {

    /** Objective evaluations per search. */
    @WithDefault("40")
    int budget();

    @WithDefault("-1.5")
    double lowerBound();

    @WithDefault("1.5")
    double upperBound();

    /** Weight of the mean |w| penalty. */
    @WithDefault("0.05")
    double l1();

    /**
     * Distilled images one fusion step reads at most, an equal share of each task (0: every image). It
     * keeps a fused version's merge from growing with the number of tasks; the gate still scores
     * every task on its whole evaluation suite.
     */
    @WithDefault("480")
    int images();

    /** Seed of the search, so the same inputs always give the same composite. */
    @WithDefault("42")
    long seed();

    /**
     * How long a branch's next merge waits for the registry's verdict on the composite this worker
     * has in flight for it (docs/decisions.md); past it the merge goes onto the head as it stands.
     */
    @WithDefault("30s")
    Duration verdictWait();

    /** A merge that fails for a reason that may pass is tried again within this budget before its adapters are dead-lettered. */
    RetryPolicy dependencyRetry();
}
