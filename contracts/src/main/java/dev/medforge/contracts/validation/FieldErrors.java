package dev.medforge.contracts.validation;

import dev.medforge.contracts.Problem.FieldError;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Size;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bean Validation's violations as the problem details' {@code errors[]}: the field as a JSON member
 * path ({@code policy.rankLimit}, {@code classNames[1]}), the code of the rule (its payload's, see
 * {@link Rules}, or its annotation's), and the constraint's message. So a constraint on a request
 * record reads like every hand-written rule, and a client fixes both the same way.
 */
public final class FieldErrors {

    private static final Map<Class<? extends Payload>, String> BY_PAYLOAD = Map.of(
            Rules.NameFormat.class, "NAME_FORMAT",
            Rules.DigestFormat.class, "DIGEST_FORMAT");

    private static final Map<String, String> BY_ANNOTATION = Map.ofEntries(
            Map.entry("NotNull", "REQUIRED"), Map.entry("NotBlank", "REQUIRED"), Map.entry("NotEmpty", "REQUIRED"),
            Map.entry("Min", "OUT_OF_RANGE"), Map.entry("Max", "OUT_OF_RANGE"), Map.entry("DecimalMin", "OUT_OF_RANGE"),
            Map.entry("DecimalMax", "OUT_OF_RANGE"), Map.entry("Positive", "OUT_OF_RANGE"), Map.entry("PositiveOrZero", "OUT_OF_RANGE"),
            Map.entry("Pattern", "FORMAT"));

    private FieldErrors() {
    }

    /**
     * In field order, so that the same request is always answered the same way; {@code prefix} goes
     * before each field, for a record checked on its own that callers know as part of a larger one.
     */
    public static List<FieldError> of(String prefix, Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream()
                .map(v -> new FieldError(code(v), prefix + field(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::code))
                .toList();
    }

    private static String code(ConstraintViolation<?> violation) {
        for (Class<? extends Payload> payload : violation.getConstraintDescriptor().getPayload()) {
            if (BY_PAYLOAD.containsKey(payload)) {
                return BY_PAYLOAD.get(payload);
            }
        }
        Annotation constraint = violation.getConstraintDescriptor().getAnnotation();
        if (constraint instanceof Size size) {
            return sizeOf(violation.getInvalidValue()) < size.min() ? "TOO_FEW" : "TOO_LONG";
        }
        return BY_ANNOTATION.getOrDefault(constraint.annotationType().getSimpleName(), "INVALID");
    }

    /** What {@code @Size} measures: a text's length, or a collection's, map's or array's element count. */
    private static int sizeOf(Object value) {
        if (value instanceof CharSequence text) {
            return text.length();
        }
        if (value instanceof Collection<?> collection) {
            return collection.size();
        }
        if (value instanceof Map<?, ?> map) {
            return map.size();
        }
        return value != null && value.getClass().isArray() ? Array.getLength(value) : 0;
    }

    /**
     * {@code policy.rankLimit}; a list element is {@code classNames[1]}. A constraint on a resource
     * method's body starts with the method and the parameter, which the caller never sees: they are
     * left out, and a constraint on the body itself names {@code body}.
     */
    static String field(Path path) {
        StringBuilder field = new StringBuilder();
        for (Path.Node node : path) {
            if (node.getKind() == ElementKind.METHOD || node.getKind() == ElementKind.PARAMETER) {
                continue;
            }
            if (node.getIndex() != null && node.getKind() == ElementKind.CONTAINER_ELEMENT) {
                field.append('[').append(node.getIndex()).append(']');
            } else if (node.getName() != null && !node.getName().startsWith("<")) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }
}
