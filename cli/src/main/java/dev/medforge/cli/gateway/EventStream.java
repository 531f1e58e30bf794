package dev.medforge.cli.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Reads server-sent events (the subset the gateway writes: event, id, data, comments). */
final class EventStream implements AutoCloseable {

    /** @param retryMillis the reconnection delay the server asked for with this event, or null */
    record Event(String name, String id, String data, Long retryMillis) {
    }

    private final InputStream body;
    private final BufferedReader reader;

    EventStream(InputStream body) {
        this.body = body;
        this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or empty when the server ended the stream. */
    Optional<Event> next() throws IOException {
        String name = null;
        String id = null;
        Long retry = null;
        StringBuilder data = null;
        for (String line; (line = reader.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (data != null || name != null) {
                    return Optional.of(new Event(name == null ? "message" : name, id, data == null ? "" : data.toString(), retry));
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> name = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "retry" -> retry = value.matches("\\d{1,9}") ? Long.valueOf(value) : null;
                default -> {
                    // unknown fields are ignored, as the SSE specification says
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
