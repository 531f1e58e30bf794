package dev.medforge.cli.gateway;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;

/**
 * An actor signed in with a password inside this process, for drivers that play many institutions
 * at once ({@code medforge loadtest}). Unlike a profile's cached sign-in it is never written to disk;
 * it signs in again when the access token is about to expire, so a run longer than the token's
 * lifespan keeps working.
 */
public final class PasswordSession {

    private final IdentityProvider identityProvider;
    private final String username;
    private final String password;
    private Tokens tokens;

    public PasswordSession(URI issuer, String username, String password) {
        this.identityProvider = new IdentityProvider(issuer);
        this.username = username;
        this.password = password;
    }

    /** Signs in now, so that a wrong password or a missing account fails before any work starts. */
    public PasswordSession signIn() {
        accessToken();
        return this;
    }

    public String username() {
        return username;
    }

    /** A client that sends this actor's token, failing over along {@code gateways} with a line on {@code err}; cheap, so make one per call. */
    public GatewayClient client(GatewayAddresses gateways, PrintWriter err) {
        return new GatewayClient(gateways, this::accessToken, err);
    }

    private synchronized String accessToken() {
        if (tokens == null || !tokens.accessValid(Instant.now())) {
            tokens = identityProvider.password(username, password);
        }
        return tokens.accessToken();
    }
}
