package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ExitCode;
import java.io.IOException;

/** Turns an error answer of the gateway (RFC 9457 problem details) into a message and an exit code. */
final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 300;

    private Problems() {
    }

    /** 401 and 403 are auth (3), other 4xx a refusal (4), the rest a server fault (5). */
    static CliException toException(String what, int status, String body) {
        String message = what + " failed: " + describe(status, body);
        if (status == 401) {
            return CliException.auth(message + "\nthe gateway did not accept the credentials: run medforge login"
                    + " (or check --client-id/--client-secret)");
        }
        if (status == 403) {
            return CliException.auth(message);
        }
        if (status == 404) {
            return new NotFound(message);
        }
        if (status / 100 == 4) {
            return CliException.rejected(message);
        }
        return CliException.server(message);
    }

    /** A 404: a refusal like any other 4xx, but some callers take it as an answer. */
    static final class NotFound extends CliException {
        NotFound(String message) {
            super(ExitCode.REJECTED, message);
        }
    }

    /** {@code HTTP 400 Invalid request: detail}, then one line per broken rule: {@code CODE field: message}. */
    static String describe(int status, String body) {
        JsonNode problem;
        try {
            problem = JSON.readTree(body == null ? "" : body);
        } catch (IOException notJson) {
            problem = null;
        }
        if (problem == null || !problem.isObject() || !problem.has("title")) {
            String text = body == null ? "" : body.strip();
            return "HTTP " + status + (text.isEmpty() ? "" : ": " + (text.length() > EXCERPT ? text.substring(0, EXCERPT) + "..." : text));
        }
        StringBuilder out = new StringBuilder("HTTP ").append(status).append(' ').append(problem.path("title").asText());
        if (problem.hasNonNull("detail")) {
            out.append(": ").append(problem.get("detail").asText());
        }
        for (JsonNode error : problem.path("errors")) {
            out.append("\n  ").append(error.path("code").asText("ERROR"));
            if (error.hasNonNull("field")) {
                out.append(' ').append(error.get("field").asText());
            }
            out.append(": ").append(error.path("message").asText());
        }
        return out.toString();
    }
}
