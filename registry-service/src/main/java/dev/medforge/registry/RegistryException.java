package dev.medforge.registry;

import dev.medforge.contracts.Problem.FieldError;

import java.util.List;

/**
 * A request the registry refuses, with the HTTP status and the rules it broke. No title of its own:
 * the problem it becomes is of type about:blank, titled with the status phrase ({@link
 * dev.medforge.contracts.Problem}).
 */
public class RegistryException extends RuntimeException {

    private final int status;
    private final List<FieldError> errors;

    public RegistryException(int status, String detail, List<FieldError> errors) {
        super(detail);
        this.status = status;
        this.errors = List.copyOf(errors);
    }

    public static RegistryException notFound(String what, String id) {
        return new RegistryException(404, "no " + what.toLowerCase() + " '" + id + "'", List.of());
    }

    public static RegistryException conflict(String detail) {
        return new RegistryException(409, detail, List.of());
    }

    /** A well-formed request that the state of the branch refuses, naming the rule it breaks. */
    public static RegistryException conflict(FieldError error) {
        return new RegistryException(409, error.message(), List.of(error));
    }

    /** A well-formed request whose field names something that does not exist, e.g. a fork's source version. */
    public static RegistryException unknownReference(FieldError error) {
        return new RegistryException(422, error.message(), List.of(error));
    }

    public static RegistryException invalid(List<FieldError> errors) {
        return new RegistryException(400, errors.size() + " field(s) failed validation", errors);
    }

    public int status() {
        return status;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
