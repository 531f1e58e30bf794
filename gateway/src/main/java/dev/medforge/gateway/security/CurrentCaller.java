package dev.medforge.gateway.security;

import dev.medforge.gateway.Caller;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Optional;
import java.util.Set;

/**
 * Resolves the caller of the request in progress. Resources are singletons, so they must ask for
 * the caller on every request rather than hold one: the identity and token injected here are
 * request-scoped proxies.
 */
@ApplicationScoped
public class CurrentCaller {

    private final SecurityIdentity identity;
    private final JsonWebToken token;

    CurrentCaller(SecurityIdentity identity, JsonWebToken token) {
        this.identity = identity;
        this.token = token;
    }

    /**
     * The caller's own access token, which the gateway forwards to the registry for the changes it
     * makes on the caller's behalf (contracts {@code OnBehalfOf}); kept out of {@link Caller} so that
     * it is never logged with it.
     */
    public String accessToken() {
        return token.getRawToken();
    }

    public Caller get() {
        // Assigned first: String.valueOf(getClaim(...)) would bind to the char[] overload.
        String institution = token.getClaim("institution");
        String username = token.getClaim("preferred_username");
        return new Caller(token.getSubject(), username,
                Optional.ofNullable(institution).filter(s -> !s.isBlank()),
                Set.copyOf(identity.getRoles()));
    }
}
