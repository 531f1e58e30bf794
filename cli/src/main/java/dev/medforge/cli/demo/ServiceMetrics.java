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
 */
final class ServiceMetrics {

    /** A sample's identity: its name and labels. */
    private record Series(String name, Map<String, String> labels) {
    }

    /** Each series' value, added up over the services read. */
    private final Map<Series, Double> samples;
    private final Set<URI> answered;

    private ServiceMetrics(Map<Series, Double> samples, Set<URI> answered) {
        this.samples = samples;
        this.answered = answered;
    }

    /** The services whose metrics were read. */
    Set<URI> answered() {
        return answered;
    }

    static ServiceMetrics scrape(Iterable<URI> services) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<Series, Double> samples = new LinkedHashMap<>();
        Set<URI> answered = new LinkedHashSet<>();
        for (URI service : services) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.resolve("/q/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    // Two services with the same sample (two merge workers, one topic) add up.
                    PrometheusText.parse(response.body()).forEach(sample ->
                            samples.merge(new Series(sample.name(), sample.labels()), sample.value(), Double::sum));
                    answered.add(service);
                }
            } catch (IOException unreachable) {
                // Reported as missing figures; a load test is not stopped by an unreadable metric.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new ServiceMetrics(samples, answered);
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
