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

    /** @param cause what the gateway met, kept so that the shared failure classifiers can read it */
    public GatewayException(Problem problem, Throwable cause) {
        super(problem.detail(), cause);
        this.problem = problem;
    }

    public static GatewayException badRequest(String code, String field, String message) {
        return broken(400, code, field, message);
    }

    public static GatewayException conflict(String code, String field, String message) {
        return broken(409, code, field, message);
    }

    /** The resource existed and was taken away on purpose; {@code message} says by whom and why. */
    public static GatewayException gone(String code, String field, String message) {
        return broken(410, code, field, message);
    }

    /** The request is well formed but contradicts an earlier one it claims to repeat. */
    public static GatewayException unprocessable(String code, String field, String message) {
        return broken(422, code, field, message);
    }

    public static GatewayException tooLarge(String field, String message) {
        return broken(413, "TOO_LARGE", field, message);
    }

    /** A refusal for one broken rule, which the detail and the error both name. */
    private static GatewayException broken(int status, String code, String field, String message) {
        return new GatewayException(Problem.of(status, message, List.of(new FieldError(code, field, message))));
    }

    /** A 404 for something the caller could not have known is missing, with the rule that names it. */
    public static GatewayException missing(String code, String field, String message) {
        return broken(404, code, field, message);
    }

    public static GatewayException notFound(String what, String id) {
        return new GatewayException(Problem.of(404, "no " + what.toLowerCase() + " '" + id + "'"));
    }

    public static GatewayException forbidden(String detail) {
        return new GatewayException(Problem.of(403, detail));
    }

    public Problem problem() {
        return problem;
    }
}
