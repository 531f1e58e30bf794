package dev.medforge.gateway.service;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StageTimingsTest {

    /** A merge worker's exposition: 10 fusion merges, 6 within 1 s and all within 4 s; 10 waits on the validated topic. */
    private static final String MERGE_WORKER = """
            # TYPE medforge_merge_duration_seconds histogram
            medforge_merge_duration_seconds_bucket{strategy="fusion",le="1.0",} 6.0
            medforge_merge_duration_seconds_bucket{strategy="fusion",le="4.0",} 10.0
            medforge_merge_duration_seconds_bucket{strategy="fusion",le="+Inf",} 10.0
            medforge_merge_duration_seconds_count{strategy="fusion",} 10.0
            medforge_merge_duration_seconds_sum{strategy="fusion",} 15.0
            medforge_queue_wait_seconds_bucket{topic="medforge.adapter.validated",le="0.5",} 10.0
            medforge_queue_wait_seconds_bucket{topic="medforge.adapter.validated",le="+Inf",} 10.0
            medforge_queue_wait_seconds_count{topic="medforge.adapter.validated",} 10.0
            medforge_queue_wait_seconds_sum{topic="medforge.adapter.validated",} 2.0
            medforge_queue_wait_seconds_bucket{topic="medforge.composite.rebase",le="0.5",} 0.0
            medforge_queue_wait_seconds_bucket{topic="medforge.composite.rebase",le="+Inf",} 1.0
            medforge_queue_wait_seconds_count{topic="medforge.composite.rebase",} 1.0
            medforge_queue_wait_seconds_sum{topic="medforge.composite.rebase",} 900.0
            """;

    /** An older service that times evaluation without buckets: its count and mean are known, its percentiles not. */
    private static final String EVAL_WITHOUT_BUCKETS = """
            medforge_eval_duration_seconds_count 4.0
            medforge_eval_duration_seconds_sum 8.0
            """;

    @Test
    void twoMergeWorkersAddUpAndAPartThatDoesNotAnswerIsNamed() throws Exception {
        HttpServer first = server(200, MERGE_WORKER);
        HttpServer second = server(200, MERGE_WORKER);
        HttpServer eval = server(200, EVAL_WITHOUT_BUCKETS);
        HttpServer broken = server(500, "");
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try {
            StageTimings.Report report = new StageTimings(null).read(Map.of("merge-1", url(first), "merge-2", url(second),
                    "eval-service", url(eval), "registry-service", url(broken), "adapter-ingest-service", URI.create("http://127.0.0.1:" + closed)));

            assertEquals(List.of("adapter-ingest-service: connection refused", "registry-service: HTTP 500"), report.unread());
            assertEquals(2, report.queueWaits().size());
            StageTimings.Timing wait = report.queueWaits().get(0);
            assertEquals("medforge.adapter.validated", wait.name());
            assertEquals(20, wait.count());
            assertEquals(0.2, wait.meanSeconds(), 1e-12);
            assertEquals(0.25, wait.p50Seconds(), 1e-12, "rank 10 of 20 is half-way through the one finite bucket");
            assertEquals("0.250 s", wait.p50());

            StageTimings.Timing beyond = report.queueWaits().get(1);
            assertEquals("medforge.composite.rebase", beyond.name());
            assertEquals("≥ 0.500 s", beyond.p95(), "a wait beyond the last finite bucket is only known to be at least that long");

            assertEquals(List.of("merge · fusion", "evaluation"), report.stages().stream().map(StageTimings.Timing::name).toList());
            StageTimings.Timing merge = report.stages().get(0);
            assertEquals(20, merge.count());
            assertEquals(1.5, merge.meanSeconds(), 1e-12);
            assertEquals(0.8333333333333334, merge.p50Seconds(), 1e-12, "rank 10 of 12 within 1 s");
            assertEquals(3.625, merge.p95Seconds(), 1e-12, "rank 19: 7 of the 8 between 1 and 4 s");
            assertEquals("3.625 s", merge.p95());
            assertEquals(4.0, merge.topSeconds());

            StageTimings.Timing evaluation = report.stages().get(1);
            assertEquals(4, evaluation.count());
            assertEquals(2.0, evaluation.meanSeconds(), 1e-12);
            assertNull(evaluation.p50Seconds());
            assertEquals("–", evaluation.p95());
        } finally {
            for (HttpServer server : List.of(first, second, eval, broken)) {
                server.stop(0);
            }
        }
    }

    private static HttpServer server(int status, String body) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/q/metrics", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static URI url(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }
}
