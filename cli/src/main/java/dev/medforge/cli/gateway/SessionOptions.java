package dev.medforge.cli.gateway;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where to sign in and where the signed-in session is kept: every command that needs a token has these. */
public final class SessionOptions {

    @Option(names = "--issuer", defaultValue = "${env:MEDFORGE_OIDC_ISSUER:-http://127.0.0.1:8180/realms/medforge}",
            description = "OIDC issuer (realm URL); env MEDFORGE_OIDC_ISSUER, default ${DEFAULT-VALUE}")
    String issuer;

    @Option(names = "--profile", defaultValue = "${env:MEDFORGE_PROFILE:-default}",
            description = "name of the cached sign-in to use; env MEDFORGE_PROFILE, default ${DEFAULT-VALUE}")
    String profile;

    @Option(names = "--config-dir", description = "where tokens are cached; env MEDFORGE_CONFIG_DIR, default $XDG_CONFIG_HOME/medforge or ~/.config/medforge")
    Path configDir;

    URI issuer() {
        return URI.create(issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer);
    }

    String profile() {
        return profile;
    }

    TokenCache cache() {
        return new TokenCache(configDir != null ? configDir : defaultConfigDir(System.getenv(), System.getProperty("user.home")), profile);
    }

    /** MEDFORGE_CONFIG_DIR, else the XDG base directory rule: $XDG_CONFIG_HOME when set and absolute, else ~/.config. */
    static Path defaultConfigDir(Map<String, String> env, String home) {
        String own = env.get("MEDFORGE_CONFIG_DIR");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(home, ".config");
        return base.resolve("medforge");
    }
}
