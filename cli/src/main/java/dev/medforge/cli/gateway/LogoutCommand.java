package dev.medforge.cli.gateway;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code medforge logout}: forgets the profile's tokens here and ends the session at the provider. */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "End the profile's session at the identity provider (best effort) and delete its cached tokens.")
public final class LogoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Override
    public Integer call() {
        TokenCache cache = session.cache();
        Optional<Tokens> tokens = cache.load();
        boolean ended = tokens.filter(t -> t.refreshToken() != null && t.issuer() != null)
                .map(t -> new IdentityProvider(java.net.URI.create(t.issuer())).logout(t)).orElse(false);
        boolean deleted = cache.delete();
        spec.commandLine().getOut().println(!deleted ? "not signed in (profile '" + cache.profile() + "')"
                : "signed out of profile '" + cache.profile() + "'" + (ended ? "" : " (the provider could not be told; the cached tokens are deleted)"));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
