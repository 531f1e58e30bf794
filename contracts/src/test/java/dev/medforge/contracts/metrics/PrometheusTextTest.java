package dev.medforge.contracts.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PrometheusTextTest {

    @Test
    void readsNamesLabelsAndValuesAndSkipsCommentsAndNonNumbers() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP medforge_queue_wait_seconds Time from production to consumption
                # TYPE medforge_queue_wait_seconds histogram
                medforge_queue_wait_seconds_bucket{topic="medforge.adapter.validated",le="0.5",} 3.0
                medforge_queue_wait_seconds_bucket{topic="medforge.adapter.validated",le="+Inf",} 4.0 1733400000000
                process_uptime_seconds 12.5
                jvm_info{runtime="a \\"quoted\\" name, with a comma\\\\",} 1.0
                broken_line{topic="never closed} 1.0
                medforge_ratio NaN

                """);
        assertEquals(4, samples.size(), samples::toString);
        assertEquals(new PrometheusText.Sample("medforge_queue_wait_seconds_bucket",
                Map.of("topic", "medforge.adapter.validated", "le", "0.5"), 3.0), samples.get(0));
        assertEquals("+Inf", samples.get(1).labels().get("le"));
        assertEquals(4.0, samples.get(1).value(), "a trailing timestamp is no part of the value");
        assertEquals(new PrometheusText.Sample("process_uptime_seconds", Map.of(), 12.5), samples.get(2));
        assertEquals("a \"quoted\" name, with a comma\\", samples.get(3).labels().get("runtime"));
    }
}
