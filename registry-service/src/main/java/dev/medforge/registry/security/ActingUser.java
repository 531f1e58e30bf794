package dev.medforge.registry.security;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.registry.RegistryException;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The user a gateway call is for, read from the user's own verified token ({@link ActingUsers}).
 *
 * @param subject the token's subject, which owns the user's webhooks
 * @param name the token's {@code preferred_username}, or its subject where it has none, as the gateway names callers
 * @param institution the token's {@code institution} claim; empty for an operator or subscriber of no institution
 */
public record ActingUser(String subject, String name, Optional<String> institution, Set<String> roles) {

    public static final String OPERATOR = "operator";

    public boolean isOperator() {
        return roles.contains(OPERATOR);
    }

    /**
     * The institution this user acts for, where a request names one in {@code field}: the token's,
     * which the body may repeat but not contradict.
     *
     * @param named what the body says, or null when it does not say
     */
    public String institutionFor(String named, String field) {
        String own = institution.orElseThrow(() -> refused(field, "the user's token carries no institution claim"));
        mustMatch(named, own, field);
        return own;
    }

    /** Whether this user may act on what {@code institution} contributed: its own, or any as an operator. */
    public boolean mayActFor(String institution) {
        return isOperator() || institution.equals(this.institution.orElse(null));
    }

    /** Who asks, where a request names them by user name in {@code field}: the body may repeat this user's name, not another. */
    public void mustBeNamed(String named, String field) {
        mustMatch(named, name, field);
    }

    /** Who owns what a request creates, where it names the owner's subject in {@code field}: only this user's. */
    public void mustBeSubject(String named, String field) {
        mustMatch(named, subject, field);
    }

    private static void mustMatch(String named, String own, String field) {
        if (named != null && !named.equals(own)) {
            throw refused(field, "names '" + named + "' but the user's token is for '" + own + "'");
        }
    }

    private static RegistryException refused(String field, String message) {
        return new RegistryException(403, field + " " + message, List.of(new FieldError(ActingUsers.MISMATCH, field, message)));
    }
}
