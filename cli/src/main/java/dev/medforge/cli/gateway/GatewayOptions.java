package dev.medforge.cli.gateway;

import dev.medforge.cli.ExitCode;
import dev.medforge.cli.CliException;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of every command that calls the gateway, and the bearer token it sends: the bot's
 * client-credentials token when {@code --client-id} is given, otherwise the profile's cached
 * sign-in, refreshed when it is about to expire.
 */
public final class GatewayOptions {

    @Option(names = "--gateway", paramLabel = "URL[,URL...]", converter = GatewayAddresses.Converter.class,
            defaultValue = "${env:MEDFORGE_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "gateway base URL, or several separated by commas: a gateway that cannot be reached hands the call to the next"
                    + " (a GET also after a timeout or reset); env MEDFORGE_GATEWAY_URL, default ${DEFAULT-VALUE}")
    GatewayAddresses gateway;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Mixin
    SessionOptions session;

    @Option(names = "--client-id", description = "sign in as this client-credentials client (the hospital-*-bot clients) instead of the cached login")
    String clientId;

    @Option(names = "--client-secret", description = "the client's secret; env MEDFORGE_CLIENT_SECRET")
    String clientSecret;

    /** One client per command, so that every call after a failover starts at the gateway that answered. */
    private GatewayClient client;

    public GatewayClient client() {
        if (client == null) {
            client = new GatewayClient(gateway, this::accessToken, command.commandLine().getErr());
        }
        return client;
    }

    private String accessToken() {
        if (clientId != null) {
            String secret = Optional.ofNullable(clientSecret).orElse(System.getenv("MEDFORGE_CLIENT_SECRET"));
            if (secret == null || secret.isEmpty()) {
                throw CliException.usage("--client-id " + clientId + " needs --client-secret or MEDFORGE_CLIENT_SECRET");
            }
            return new IdentityProvider(session.issuer()).clientCredentials(clientId, secret).accessToken();
        }
        TokenCache cache = session.cache();
        Tokens tokens = cache.load().orElseThrow(() -> CliException.auth(
                "not signed in (profile '" + cache.profile() + "'): run medforge login"));
        Instant now = Instant.now();
        if (tokens.accessValid(now)) {
            return tokens.accessToken();
        }
        if (!tokens.refreshValid(now)) {
            throw CliException.auth("the session of profile '" + cache.profile() + "' has expired: run medforge login");
        }
        Tokens refreshed;
        try {
            // Against the issuer that granted the tokens: only it can refresh them.
            refreshed = new IdentityProvider(URI.create(tokens.issuer())).refresh(tokens);
        } catch (CliException e) {
            if (e.exitCode() == dev.medforge.cli.ExitCode.AUTH) {
                throw CliException.auth(e.getMessage() + ": run medforge login");
            }
            throw e;
        }
        cache.save(refreshed);
        return refreshed.accessToken();
    }
}
