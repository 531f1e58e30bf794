package dev.medforge.eval.config;

import dev.medforge.contracts.messaging.RetryPolicy;
import io.smallrye.config.ConfigMapping;

@ConfigMapping(prefix = "medforge.eval")
public interface EvalConfig {

    /** An evaluation that fails for a reason that may pass (registry, store or broker away) is tried again within this budget. */
    RetryPolicy dependencyRetry();
}
