package dev.medforge.cli.gateway;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;

/**
 * Upload progress on stderr, counted as the HTTP client reads the body: a line per 10 % step at
 * most once a second, and always the last one, so a large upload shows life without flooding logs.
 */
public final class UploadProgress {

    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final String label;

    public UploadProgress(PrintWriter err, String label) {
        this.err = err;
        this.label = label;
    }

    InputStream track(InputStream in, long total) {
        return new FilterInputStream(in) {
            private long sent;
            private int lastStep = -1;
            private long lastPrint = System.nanoTime() - MIN_INTERVAL_NANOS;

            @Override
            public int read() throws IOException {
                int b = super.read();
                advance(b < 0 ? 0 : 1, b < 0);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                advance(Math.max(n, 0), n < 0);
                return n;
            }

            private void advance(long n, boolean end) {
                sent += n;
                int step = total == 0 ? 10 : (int) Math.min(10, sent * 10 / total);
                long now = System.nanoTime();
                boolean done = end || sent >= total;
                if (step > lastStep && (done || now - lastPrint >= MIN_INTERVAL_NANOS)) {
                    lastStep = done ? 10 : step;
                    lastPrint = now;
                    err.printf("%s %3d%% (%s of %s)%n", label, done ? 100 : step * 10, size(sent), size(total));
                    err.flush();
                }
            }
        };
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }
}
