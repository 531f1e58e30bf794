package dev.medforge.cli.demo;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of the services' Prometheus endpoints ({@code /q/metrics}) that the load benchmark
 * reports: counters and timer sums, read before and after a run, so that the report holds what
 * the run itself added. A service that does not answer contributes nothing, and the report says
 * which endpoints were read both times: a figure from a service read only once would be wrong.
 */
final class ServiceMetrics {

    /** {@code name{label="value",...} number}; the labels are kept as one string. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)");

    private final Map<String, Double> samples;
    private final Set<URI> answered;

    private ServiceMetrics(Map<String, Double> samples, Set<URI> answered) {
        this.samples = samples;
        this.answered = answered;
    }

    /** The services whose metrics were read. */
    Set<URI> answered() {
        return answered;
    }

    static ServiceMetrics scrape(Iterable<URI> services) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Map<String, Double> samples = new LinkedHashMap<>();
        Set<URI> answered = new LinkedHashSet<>();
        for (URI service : services) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(service.resolve("/q/metrics"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    parse(response.body(), samples);
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

    /** Samples of several services with the same name and labels add up (two merge workers, one topic). */
    private static void parse(String text, Map<String, Double> samples) {
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                try {
                    samples.merge(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)), Double::sum);
                } catch (NumberFormatException notANumber) {
                    // NaN and the like carry nothing to add up.
                }
            }
        }
    }

    /**
     * What {@code later} added to {@code name} since this reading, per value of {@code label}:
     * {@code rebase → 3}. Other labels of the same sample are summed over.
     */
    Map<String, Double> increase(ServiceMetrics later, String name, String label) {
        Pattern value = Pattern.compile("[{,]" + Pattern.quote(label) + "=\"([^\"]*)\"");
        Map<String, Double> increase = new LinkedHashMap<>();
        later.samples.forEach((key, after) -> {
            if (key.equals(name) || key.startsWith(name + "{")) {
                Matcher m = value.matcher(key);
                String by = m.find() ? m.group(1) : "";
                increase.merge(by, after - samples.getOrDefault(key, 0.0), Double::sum);
            }
        });
        return increase;
    }
}
