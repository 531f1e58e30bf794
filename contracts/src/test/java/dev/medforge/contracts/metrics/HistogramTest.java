package dev.medforge.contracts.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistogramTest {

    private static final String BUCKETS = """
            stage_seconds_bucket{stage="merge",le="1.0",} 10.0
            stage_seconds_bucket{stage="merge",le="2.0",} 30.0
            stage_seconds_bucket{stage="merge",le="+Inf",} 40.0
            stage_seconds_count{stage="merge",} 40.0
            stage_seconds_sum{stage="merge",} 70.0
            stage_seconds_bucket{stage="eval",le="1.0",} 0.0
            stage_seconds_bucket{stage="eval",le="2.0",} 0.0
            stage_seconds_bucket{stage="eval",le="+Inf",} 0.0
            stage_seconds_count{stage="eval",} 0.0
            stage_seconds_sum{stage="eval",} 0.0
            """;

    @Test
    void interpolatesInsideTheBucketTheRankFallsInAsPrometheusDoes() {
        Histogram merge = Histogram.of(PrometheusText.parse(BUCKETS), "stage_seconds", "stage").get("merge");
        assertEquals(40, merge.count());
        assertEquals(1.75, merge.mean(), 1e-12);
        assertEquals(1.0, merge.quantile(0.25), 1e-12, "rank 10 is the first bucket's top");
        assertEquals(1.5, merge.quantile(0.5), 1e-12, "rank 20 is half-way through the second bucket");
        assertEquals(2.0, merge.quantile(0.95), 1e-12, "rank 38 is in the open bucket: its lower bound is all that is known");
        assertEquals(2.0, merge.largestFiniteBound());
    }

    @Test
    void addsUpInstancesAndOtherLabelsAndHasNoQuantileWithoutObservations() {
        List<PrometheusText.Sample> twoInstances = new ArrayList<>(PrometheusText.parse(BUCKETS));
        twoInstances.addAll(PrometheusText.parse(BUCKETS.replace("stage=\"merge\",", "stage=\"merge\",host=\"b\",")));
        Map<String, Histogram> byStage = Histogram.of(twoInstances, "stage_seconds", "stage");
        assertEquals(80, byStage.get("merge").count());
        assertEquals(1.5, byStage.get("merge").quantile(0.5), 1e-12);
        assertTrue(Double.isNaN(byStage.get("eval").quantile(0.5)));
        assertTrue(Double.isNaN(byStage.get("eval").mean()));
        assertFalse(Histogram.of(twoInstances, "other_seconds", "stage").containsKey("merge"));
        assertThrows(IllegalArgumentException.class, () -> byStage.get("merge").quantile(1.5));
    }

    @Test
    void aMedforgeTimerIsPublishedAsAHistogramWhosePercentilesAddUpOverTwoInstances() {
        PrometheusMeterRegistry first = registry();
        PrometheusMeterRegistry second = registry();
        for (int ms = 1; ms <= 1000; ms++) {
            first.timer("medforge.queue.wait", "topic", "t").record(Duration.ofMillis(ms));
            second.timer("medforge.queue.wait", "topic", "t").record(Duration.ofMillis(1000 + ms));
            Timer.builder("http.server.requests").register(first).record(Duration.ofMillis(ms));
        }
        List<PrometheusText.Sample> scraped = new ArrayList<>(PrometheusText.parse(first.scrape()));
        scraped.addAll(PrometheusText.parse(second.scrape()));

        Histogram waits = Histogram.of(scraped, "medforge_queue_wait_seconds", "topic").get("t");
        assertEquals(2000, waits.count());
        assertEquals(1.0005, waits.mean(), 1e-9);
        // Micrometer's buckets grow by about a third from one to the next, so an estimate is within that.
        assertEquals(1.0, waits.quantile(0.5), 1.0 * 0.15);
        assertEquals(1.9, waits.quantile(0.95), 1.9 * 0.15);
        Histogram other = Histogram.of(scraped, "http_server_requests_seconds", "").get("");
        assertEquals(1000, other.count());
        assertTrue(Double.isNaN(other.quantile(0.5)), "only MedForge's own timers grow buckets");
        assertTrue(Double.isNaN(other.largestFiniteBound()));
        assertEquals(600, waits.largestFiniteBound(), 600 * 0.15, "the buckets reach the longest merge expected, 10 minutes");
    }

    private static PrometheusMeterRegistry registry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(TimerHistograms.FILTER);
        return registry;
    }
}
