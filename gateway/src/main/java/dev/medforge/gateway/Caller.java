package dev.medforge.gateway;

import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, as the identity provider vouched for it. The institution comes from the token's
 * {@code institution} claim and from nowhere else: a request body never decides whose data it is.
 */
public record Caller(String subject, String username, Optional<String> institution, Set<String> roles) {

    public static final String CONTRIBUTOR = "contributor";
    public static final String SUBSCRIBER = "subscriber";
    public static final String OPERATOR = "operator";

    /** How records of who did what name the caller: the username, or the subject when the token has none. */
    public String name() {
        return username != null ? username : subject;
    }

    public boolean isOperator() {
        return roles.contains(OPERATOR);
    }

    /**
     * The institution a contributor acts for. A body may repeat it, but one naming another
     * institution is refused rather than silently rewritten: it means the wrong credentials or the
     * wrong files, and the sender should find out now.
     *
     * @param claimed what the body says, or null when it does not say
     * @param field   where the body says it, for the error
     */
    public String actingInstitution(String claimed, String field) {
        String own = institution().orElseThrow(() -> GatewayException.forbidden("the token carries no institution claim"));
        if (claimed != null && !claimed.equals(own)) {
            throw GatewayException.badRequest("INSTITUTION_MISMATCH", field,
                    "names '" + claimed + "' but the token is for '" + own + "'");
        }
        return own;
    }
}
