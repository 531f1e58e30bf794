package dev.medforge.registry.security;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.registry.RegistryException;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.Tenant;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies the user token the gateway forwards ({@link OnBehalfOf}) against the realm, with the
 * gateway's audience, exactly as the gateway verified it: the registry takes whose task, withdrawal
 * or webhook a change is from that token and from nothing the gateway writes in a body.
 */
@ApplicationScoped
public class ActingUsers {

    public static final String REQUIRED = "ON_BEHALF_OF_REQUIRED";
    public static final String INVALID = "ON_BEHALF_OF_INVALID";
    public static final String MISMATCH = "ON_BEHALF_OF_MISMATCH";
    private static final String FIELD = "header " + OnBehalfOf.HEADER;

    private final TenantIdentityProvider users;

    ActingUsers(@Tenant("users") TenantIdentityProvider users) {
        this.users = users;
    }

    public Uni<ActingUser> verify(String token) {
        if (token == null || token.isBlank()) {
            return Uni.createFrom().failure(refused(REQUIRED, "the user this change is for must be named by their access token"));
        }
        return users.authenticate(new AccessTokenCredential(token))
                .onFailure(AuthenticationFailedException.class)
                .transform(e -> refused(INVALID, "is not a valid, unexpired access token of this realm for the gateway"))
                .map(ActingUsers::toUser);
    }

    private static ActingUser toUser(SecurityIdentity identity) {
        JsonWebToken token = (JsonWebToken) identity.getPrincipal();
        // Assigned first: String.valueOf(getClaim(...)) would bind to the char[] overload.
        String institution = token.getClaim("institution");
        String username = token.getClaim("preferred_username");
        return new ActingUser(token.getSubject(), username != null ? username : token.getSubject(),
                Optional.ofNullable(institution).filter(s -> !s.isBlank()), Set.copyOf(identity.getRoles()));
    }

    private static RegistryException refused(String rule, String message) {
        return new RegistryException(401, FIELD + " " + message, List.of(new FieldError(rule, FIELD, message)));
    }
}
