package dev.medforge.contracts.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Every MedForge timer (queue waits, the time of each pipeline stage) is published as a Prometheus
 * histogram, so that percentiles can be read from the services' {@code /q/metrics} and added up
 * over several instances of a service: a summary's precomputed quantiles cannot be combined, a
 * histogram's buckets can. The range covers a 1 ms queue wait up to a 10 minute merge.
 */
@ApplicationScoped
public class TimerHistograms {

    static final String PREFIX = "medforge.";
    static final Duration SHORTEST = Duration.ofMillis(1);
    static final Duration LONGEST = Duration.ofMinutes(10);

    @Produces
    @Singleton
    MeterFilter medforgeTimerHistograms() {
        return FILTER;
    }

    static final MeterFilter FILTER = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (id.getType() != Meter.Type.TIMER || !id.getName().startsWith(PREFIX)) {
                return config;
            }
            return DistributionStatisticConfig.builder()
                    .percentilesHistogram(true)
                    .minimumExpectedValue((double) SHORTEST.toNanos())
                    .maximumExpectedValue((double) LONGEST.toNanos())
                    .build()
                    .merge(config);
        }
    };
}
