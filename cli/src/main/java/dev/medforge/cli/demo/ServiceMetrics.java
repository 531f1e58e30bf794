package dev.medforge.cli.demo;

import dev.medforge.contracts.metrics.PrometheusText;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The samples of the services' Prometheus endpoints ({@code /q/metrics}) that the load benchmark
 * reports: counters and timer sums, read before and after a run, so that the report holds what
 * the run itself added. A service that does not answer contributes nothing, and the report says
 * which endpoints were read both times: a figure from a service read only once would be wrong.
 * Each endpoint gets {@link #TRIES} tries: one unanswered scrape of the eval service once cost a
 * 20-institution run its whole evaluation figures, and the reason was not kept.
 */
final class ServiceMetrics {

    /** A sample's identity: its name and labels. */
    private record Series(String name, Map<String, String> labels) {
    }

    /** Each series' value, added up over the services read. */
    private final Map<Series, Double> samples;
    private final Set<URI> answered;
    private final Map<URI, String> unanswered;

    static final int TRIES = 3;
    private static final Duration BETWEEN_TRIES = Duration.ofSeconds(2);

    private ServiceMetrics(Map<Series, Double> samples, Set<URI> answered, Map<URI, String> unanswered) {
        this.samples = samples;
        this.answered = answered;
        this.unanswered = unanswered;
    }

    /** The services whose metrics were read. */
    Set<URI> answered() {
        return answered;
    }

    /** Why each service that was not read failed its last try: {@code HTTP 503}, or the connection's error. */
    Map<URI, String> unanswered() {
        return unanswered;
    }

    static ServiceMetrics scrape(Iterable<URI> services) {
        return scrape(services, BETWEEN_TRIES);
    }

    static ServiceMetrics scrape(Iterable<URI> services, Duration betweenTries) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Series, Double> samples = new LinkedHashMap<>();
        Set<URI> answered = new LinkedHashSet<>();
        Map<URI, String> unanswered = new LinkedHashMap<>();
        try {
            for (URI service : services) {
                for (int attempt = 1; attempt <= TRIES; attempt++) {
                    if (attempt > 1) {
                        Thread.sleep(betweenTries.toMillis());
                    }
                    try {
                        HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.resolve("/q/metrics"))
                                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            // Two services with the same sample (two merge workers, one topic) add up.
                            PrometheusText.parse(response.body()).forEach(sample ->
                                    samples.merge(new Series(sample.name(), sample.labels()), sample.value(), Double::sum));
                            answered.add(service);
                            unanswered.remove(service);
                            break;
                        }
                        unanswered.put(service, "HTTP " + response.statusCode());
                    } catch (IOException unreachable) {
                        // Reported as missing figures; a load test is not stopped by an unreadable metric.
                        unanswered.put(service, unreachable.getClass().getSimpleName()
                                + (unreachable.getMessage() == null ? "" : ": " + unreachable.getMessage()));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ServiceMetrics(samples, answered, unanswered);
    }

    /**
     * What {@code later} added to {@code name} since this reading, per value of {@code label}:
     * {@code rebase → 3}. Other labels of the same sample are summed over.
     */
    /** What {@code later} added to {@code name} since this reading, over all its labels and services. */
    double increase(ServiceMetrics later, String name) {
        return increase(later, name, "").values().stream().mapToDouble(Double::doubleValue).sum();
    }

    Map<String, Double> increase(ServiceMetrics later, String name, String label) {
        Map<String, Double> increase = new LinkedHashMap<>();
        later.samples.forEach((key, after) -> {
            if (key.name().equals(name)) {
                increase.merge(key.labels().getOrDefault(label, ""), after - samples.getOrDefault(key, 0.0), Double::sum);
            }
        });
        return increase;
    }
}
