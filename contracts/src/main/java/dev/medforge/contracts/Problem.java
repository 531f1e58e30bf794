package dev.medforge.contracts;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * The one error shape of every MedForge HTTP API (RFC 9457 problem details). {@code errors} lists
 * each broken rule with the field it concerns, so a client can fix everything in one go.
 *
 * <p>Every problem is of type {@code about:blank}, so its title is the HTTP status phrase (RFC 9457
 * §4.2.1) whatever a caller passed: what went wrong in this case is the {@code detail}'s and the
 * {@code errors}' to say. {@code instance} is the request path, set by {@link ProblemInstance} as
 * the response leaves.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String ABOUT_BLANK = "about:blank";

    private static final Map<Integer, String> PHRASES = Map.ofEntries(
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Content Too Large"), Map.entry(415, "Unsupported Media Type"), Map.entry(416, "Range Not Satisfiable"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(504, "Gateway Timeout"));

    public Problem {
        if (type == null || ABOUT_BLANK.equals(type)) {
            type = ABOUT_BLANK;
            title = PHRASES.getOrDefault(status, title);
        }
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * One broken rule. {@code field} names it in the request's own terms (a JSON member path such
     * as {@code policy.strategy}, or a multipart part); {@link #pointer()} is the same place as a
     * JSON Pointer (RFC 6901), for clients that resolve errors against the document they sent.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FieldError(String code, String field, String message) {

        @JsonProperty("pointer")
        public String pointer() {
            if (field == null || field.isEmpty()) {
                return "";
            }
            StringBuilder pointer = new StringBuilder();
            for (String token : field.replaceAll("\\[(\\d+)]", ".$1").split("\\.")) {
                pointer.append('/').append(token.replace("~", "~0").replace("/", "~1"));
            }
            return pointer.toString();
        }
    }

    /** A problem of type about:blank: the status phrase is its title, so a caller only says what went wrong. */
    public static Problem of(int status, String detail) {
        return of(status, detail, List.of());
    }

    public static Problem of(int status, String detail, List<FieldError> errors) {
        return new Problem(ABOUT_BLANK, null, status, detail, null, errors);
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }
}
