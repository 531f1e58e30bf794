package dev.medforge.gateway.service;

import dev.medforge.contracts.metrics.Histogram;
import dev.medforge.contracts.metrics.PrometheusText;
import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Queue waits and stage times across the pipeline, read from every part's {@code /q/metrics} at
 * the same time (with {@link PartHealth}'s short timeout) and added up over the parts, so two merge
 * workers count as one stage. Each service publishes its timers as histograms (contracts'
 * {@code TimerHistograms}); percentiles are estimated from their buckets, since each service
 * started.
 */
@ApplicationScoped
public class StageTimings {

    /** The pipeline's stages as the services time them: metric, the label that splits it, the stage's name. */
    static final List<Stage> STAGES = List.of(
            new Stage("medforge_ingest_duration_seconds", "", "ingest checks"),
            new Stage("medforge_merge_duration_seconds", "strategy", "merge"),
            new Stage("medforge_eval_duration_seconds", "", "evaluation"));

    static final String QUEUE_WAIT = "medforge_queue_wait_seconds";

    record Stage(String metric, String splitBy, String name) {
    }

    /**
     * One row: how many observations, their mean, median and 95th percentile in seconds (null when
     * unknown). A percentile at {@code topSeconds}, the histogram's last finite bucket, means that much
     * or more.
     */
    @TemplateData
    public record Timing(String name, long count, Double meanSeconds, Double p50Seconds, Double p95Seconds, Double topSeconds) {

        public String mean() {
            return seconds(meanSeconds);
        }

        public String p50() {
            return percentile(p50Seconds);
        }

        public String p95() {
            return percentile(p95Seconds);
        }

        private String percentile(Double value) {
            return value != null && topSeconds != null && value >= topSeconds ? "≥ " + seconds(value) : seconds(value);
        }

        private static String seconds(Double value) {
            return value == null ? "–" : String.format(Locale.ROOT, "%.3f s", value);
        }
    }

    /** Queue waits by topic, times by stage, and the parts whose metrics could not be read ({@code name: why}). */
    @TemplateData
    public record Report(List<Timing> queueWaits, List<Timing> stages, List<String> unread) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(PartHealth.TIMEOUT).build();
    private final GatewayConfig config;

    StageTimings(GatewayConfig config) {
        this.config = config;
    }

    /** Blocking, at most {@link PartHealth#TIMEOUT}: every part of {@link GatewayConfig#parts()} is asked. */
    public Report read() {
        return readAsync().join();
    }

    /** The same without blocking, so that the operations page asks this and the parts' readiness at once. */
    public CompletableFuture<Report> readAsync() {
        return readAsync(config.parts());
    }

    Report read(Map<String, URI> parts) {
        return readAsync(parts).join();
    }

    private CompletableFuture<Report> readAsync(Map<String, URI> parts) {
        List<Map.Entry<String, URI>> named = parts.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
        List<CompletableFuture<HttpResponse<String>>> asked = named.stream().map(e -> http.sendAsync(
                HttpRequest.newBuilder(e.getValue().resolve("/q/metrics")).timeout(PartHealth.TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString())).toList();
        // Waits for every answer, failed ones included; each is read below.
        return CompletableFuture.allOf(asked.stream().map(a -> a.handle((response, failure) -> null)).toArray(CompletableFuture[]::new))
                .thenApply(all -> report(named, asked));
    }

    private static Report report(List<Map.Entry<String, URI>> named, List<CompletableFuture<HttpResponse<String>>> asked) {
        List<PrometheusText.Sample> samples = new ArrayList<>();
        List<String> unread = new ArrayList<>();
        for (int i = 0; i < named.size(); i++) {
            String part = named.get(i).getKey();
            try {
                HttpResponse<String> response = asked.get(i).join();
                if (response.statusCode() == 200) {
                    samples.addAll(PrometheusText.parse(response.body()));
                } else {
                    unread.add(part + ": HTTP " + response.statusCode());
                }
            } catch (RuntimeException failure) {
                unread.add(part + ": " + PartHealth.why(failure));
            }
        }
        List<Timing> waits = new ArrayList<>();
        Histogram.of(samples, QUEUE_WAIT, "topic").entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> waits.add(timing(e.getKey(), e.getValue())));
        List<Timing> stages = new ArrayList<>();
        for (Stage stage : STAGES) {
            Histogram.of(samples, stage.metric(), stage.splitBy()).entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> stages.add(timing(e.getKey().isEmpty() ? stage.name() : stage.name() + " · " + e.getKey(), e.getValue())));
        }
        return new Report(waits, stages, unread);
    }

    private static Timing timing(String name, Histogram histogram) {
        return new Timing(name, (long) histogram.count(), known(histogram.mean()), known(histogram.quantile(0.5)),
                known(histogram.quantile(0.95)), known(histogram.largestFiniteBound()));
    }

    private static Double known(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
