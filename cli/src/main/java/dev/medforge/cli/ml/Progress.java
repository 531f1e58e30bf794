package dev.medforge.cli.ml;

import java.io.PrintWriter;
import java.util.function.Consumer;

/** Progress lines on stderr with elapsed time, so stdout stays clean for results. */
final class Progress implements Consumer<String> {
    private final PrintWriter err;
    private final long start = System.nanoTime();

    Progress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void accept(String line) {
        err.printf("[%7.1fs] %s%n", (System.nanoTime() - start) / 1e9, line);
        err.flush();
    }
}
