package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medforge login}: a person signs in once; later commands use and refresh the cached tokens. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Sign in with a local user (public client medforge-cli, password grant) and cache the tokens of the"
                + " profile in <config-dir>/tokens/<profile>.json (mode 600). Automation uses --client-id on each command instead.")
public final class LoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Option(names = "--username", required = true, description = "the user, e.g. hospital-a or ops")
    String username;

    @ArgGroup(exclusive = true)
    PasswordSource password;

    static final class PasswordSource {
        @Option(names = "--password", description = "the password (visible in the process list: prefer --password-stdin)")
        String value;

        @Option(names = "--password-stdin", description = "read the password from the first line of stdin")
        boolean stdin;
    }

    @Override
    public Integer call() throws IOException {
        Tokens tokens = new IdentityProvider(session.issuer()).password(username, password());
        TokenCache cache = session.cache();
        cache.save(tokens);
        JsonNode claims = claims(tokens.accessToken());
        Set<String> roles = new TreeSet<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        // Keycloak's built-in roles say nothing about what MedForge lets this user do.
        roles.removeIf(r -> r.startsWith("default-roles") || r.equals("offline_access") || r.equals("uma_authorization"));
        spec.commandLine().getOut().printf("signed in as %s (institution %s; roles %s) on profile '%s'%n", username,
                claims.path("institution").asText("none"), String.join(", ", roles), cache.profile());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private String password() throws IOException {
        if (password != null && password.value != null) {
            return password.value;
        }
        if (password != null && password.stdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (line == null || line.isEmpty()) {
                throw CliException.usage("--password-stdin: stdin held no password");
            }
            return line;
        }
        Console console = System.console();
        if (console == null) {
            throw CliException.usage("no terminal to ask for the password: give --password-stdin (or --password)");
        }
        char[] typed = console.readPassword("password for %s: ", username);
        if (typed == null) {
            throw CliException.usage("no password given");
        }
        return new String(typed);
    }

    /** The token's claims, read without verifying it: only to tell the user who they are; the gateway verifies. */
    static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        try {
            return GatewayClient.JSON.readTree(Base64.getUrlDecoder().decode(parts.length > 1 ? parts[1] : ""));
        } catch (IOException | IllegalArgumentException notAJwt) {
            return GatewayClient.JSON.createObjectNode();
        }
    }
}
