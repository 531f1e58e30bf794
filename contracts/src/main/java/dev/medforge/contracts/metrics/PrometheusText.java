package dev.medforge.contracts.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The samples of a Prometheus text exposition ({@code /q/metrics}): one per line,
 * {@code name{label="value",...} number [timestamp]}. Comments and lines that are not samples are
 * skipped, and so are values that are no number (NaN carries nothing to add up).
 */
public final class PrometheusText {

    /** One sample; {@code labels} in the order the line gives them. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusText() {
    }

    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                sample(trimmed).ifPresent(samples::add);
            }
        }
        return samples;
    }

    private static Optional<Sample> sample(String line) {
        int i = 0;
        while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            return Optional.empty();
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i = labels(line, i + 1, labels);
            if (i < 0) {
                return Optional.empty();
            }
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        try {
            double value = Double.parseDouble(rest[0]);
            return Double.isNaN(value) ? Optional.empty() : Optional.of(new Sample(name, labels, value));
        } catch (NumberFormatException notANumber) {
            return Optional.empty();
        }
    }

    /** Reads {@code a="x",b="y"}} from {@code at}; returns the index after the closing brace, or -1 when malformed. */
    private static int labels(String line, int at, Map<String, String> labels) {
        int i = at;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '}') {
                return i + 1;
            }
            if (c == ',' || c == ' ') {
                i++;
                continue;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                return -1;
            }
            String label = line.substring(i, eq).strip();
            StringBuilder value = new StringBuilder();
            i = eq + 2;
            while (i < line.length() && line.charAt(i) != '"') {
                char v = line.charAt(i);
                if (v == '\\' && i + 1 < line.length()) {
                    char escaped = line.charAt(++i);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(v);
                }
                i++;
            }
            if (i >= line.length()) {
                return -1;
            }
            labels.put(label, value.toString());
            i++;
        }
        return -1;
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9';
    }
}
