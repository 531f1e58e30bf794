package dev.medforge.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The one error shape of every MedForge HTTP API (RFC 9457 problem details). {@code errors} lists
 * each broken rule with the field it concerns, so a client can fix everything in one go.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String code, String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, List.of());
    }
}
