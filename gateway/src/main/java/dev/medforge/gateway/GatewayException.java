package dev.medforge.gateway;

import dev.medforge.contracts.Problem;
import dev.medforge.contracts.Problem.FieldError;

import java.util.List;

/** A request the gateway refuses, carried as the problem details its caller will see. */
public class GatewayException extends RuntimeException {

    private final transient Problem problem;

    public GatewayException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public static GatewayException badRequest(String code, String field, String message) {
        return new GatewayException(new Problem("about:blank", "Invalid request", 400, message,
                List.of(new FieldError(code, field, message))));
    }

    public static GatewayException conflict(String code, String field, String message) {
        return new GatewayException(new Problem("about:blank", "Conflict", 409, message,
                List.of(new FieldError(code, field, message))));
    }

    public static GatewayException tooLarge(String field, String message) {
        return new GatewayException(new Problem("about:blank", "Payload too large", 413, message,
                List.of(new FieldError("TOO_LARGE", field, message))));
    }

    public static GatewayException notFound(String what, String id) {
        return new GatewayException(Problem.of(404, what + " not found", "no " + what.toLowerCase() + " '" + id + "'"));
    }

    public static GatewayException forbidden(String detail) {
        return new GatewayException(Problem.of(403, "Forbidden", detail));
    }

    public Problem problem() {
        return problem;
    }
}
