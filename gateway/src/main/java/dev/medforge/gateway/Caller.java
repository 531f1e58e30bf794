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
}
