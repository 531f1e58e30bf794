package dev.medforge.cli.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where to sign in and where the signed-in session is kept: every command that needs a token has these. */
public final class SessionOptions {

    @Option(names = "--issuer", defaultValue = "${env:MEDFORGE_OIDC_ISSUER:-http://127.0.0.1:8180/realms/medforge}",
            description = "OIDC issuer (realm URL); env MEDFORGE_OIDC_ISSUER, default ${DEFAULT-VALUE}")
    String issuer;

    @Option(names = "--profile", defaultValue = "${env:MEDFORGE_PROFILE:-default}",
            description = "name of the cached sign-in to use; env MEDFORGE_PROFILE, default ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--config-dir", description = "where tokens are cached; env MEDFORGE_CONFIG_DIR, default ~/.config/medforge")
    Path configDir;

    URI issuer() {
        return URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer);
    }

    String profile() {
        return profile;
    }

    TokenCache cache() {
        Path dir = configDir != null ? configDir
                : Optional.ofNullable(System.getenv("MEDFORGE_CONFIG_DIR")).map(Path::of)
                        .orElse(Path.of(System.getProperty("user.home"), ".config", "medforge"));
        return new TokenCache(dir, profile);
    }
}
