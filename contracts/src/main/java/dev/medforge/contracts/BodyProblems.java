package dev.medforge.contracts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A request body that does not bind, said the same way by every API: which field, and what type it
 * must be. Without this, Jackson's refusal leaves as a bare 400 or 500 that no client can act on,
 * and the gateway, which passes on only the registry's problem details, turned it into a 502.
 */
public final class BodyProblems {

    public static final String WRONG_TYPE = "WRONG_TYPE";
    public static final String INVALID_JSON = "INVALID_JSON";

    private BodyProblems() {
    }

    public static Problem unreadable(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? path(mapping) : "";
        if (e instanceof ControlCharacters.Refused) {
            return ControlCharacters.refusal(field);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null && !field.isEmpty()) {
            String message = "must be " + describe(mismatch.getTargetType());
            return problem(WRONG_TYPE, field, message);
        }
        String reason = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().lines().findFirst().orElse("");
        return problem(INVALID_JSON, field.isEmpty() ? "body" : field, "the body is not the JSON expected: " + reason);
    }

    private static Problem problem(String code, String field, String message) {
        return Problem.of(400, field + " " + message,
                List.of(new Problem.FieldError(code, field, message)));
    }

    /** {@code policy.maxRegression}, {@code classNames[2]}: the field as the request spells it. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    private static String describe(Class<?> type) {
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive() && type != boolean.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "a " + type.getSimpleName();
    }
}
