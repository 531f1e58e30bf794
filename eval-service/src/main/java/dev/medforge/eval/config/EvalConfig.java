package dev.medforge.eval.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

@ConfigMapping(prefix = "medforge.eval")
public interface EvalConfig {

    /** An evaluation that fails for a reason that may pass (registry, store or broker away) is tried again within this budget. */
    RetryPolicy dependencyRetry();

    /** The forward passes run at start ({@code service/ForwardWarmUp}). */
    WarmUp warmUp();

    /** The collection of cache entries in the artifact store ({@code service/CacheCollection}). */
    Cache cache();

    interface Cache {

        /**
         * Entries (members' outputs on suites, fusion progress) nobody has used for this long are
         * removed; each is made again if it is ever wanted. Long enough that a branch's head is
         * read by every merge and evaluation on it long before. A use is recorded to the hour, so
         * keep this well above an hour.
         */
        @WithDefault("P30D")
        Duration keepUnused();
    }

    interface WarmUp {

        /** Images per pass, in batches as scoring runs them; 0 turns the warm-up off. */
        @WithDefault("512")
        int images();

        /** Timed passes after the first, untimed one; the fastest is the floor. */
        @WithDefault("2")
        int passes();
    }
}
