package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
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

/**
 * {@code medforge login}: a person signs in once; later commands use and refresh the cached tokens.
 * A person signs in in a browser (device authorization grant), so the CLI never sees their password
 * and the provider's own protections (brute-force lockout, any second factor) apply. The password
 * grant stays for tests and scripted local accounts.
 */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Sign in and cache the tokens of the profile in <config-dir>/tokens/<profile>.json (mode 600)."
                + " By default prints a link and a code to open in any browser (device authorization grant on the public"
                + " client medforge-cli) and waits until you have signed in there. --username with --password-stdin uses"
                + " the password grant instead, for tests and scripted local accounts. Automation uses --client-id on each"
                + " command instead.")
public final class LoginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    SessionOptions session;

    @Option(names = "--username", description = "with --password-stdin or --password: the user, e.g. hospital-a or ops")
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
        IdentityProvider provider = new IdentityProvider(session.issuer());
        Tokens tokens;
        if (password == null) {
            if (username != null) {
                throw CliException.usage("--username is for the password grant: give --password-stdin too, or leave both out"
                        + " and sign in in a browser");
            }
            tokens = inBrowser(provider);
        } else {
            if (username == null) {
                throw CliException.usage("--password-stdin and --password need --username");
            }
            tokens = provider.password(username, password());
        }
        TokenCache cache = session.cache();
        cache.save(tokens);
        JsonNode claims = claims(tokens.accessToken());
        Set<String> roles = new TreeSet<>();
        claims.path("realm_access").path("roles").forEach(r -> roles.add(r.asText()));
        // Keycloak's built-in roles say nothing about what MedForge lets this user do.
        roles.removeIf(r -> r.startsWith("default-roles") || r.equals("offline_access") || r.equals("uma_authorization"));
        spec.commandLine().getOut().printf("signed in as %s (institution %s; roles %s) on profile '%s'%n", tokens.username(),
                claims.path("institution").asText("none"), String.join(", ", roles), cache.profile());
        spec.commandLine().getOut().flush();
        return 0;
    }

    private Tokens inBrowser(IdentityProvider provider) {
        IdentityProvider.DeviceAuthorization device = provider.startDeviceAuthorization();
        PrintWriter err = spec.commandLine().getErr();
        err.printf("To sign in, open this link in a browser:%n  %s%nor open %s and enter the code %s.%n"
                        + "Waiting for you to sign in there (the code expires in %d minutes)...%n",
                device.verificationUriComplete(), device.verificationUri(), device.userCode(), Math.max(1, device.expiresInSeconds() / 60));
        err.flush();
        return provider.awaitDeviceApproval(device);
    }

    private String password() throws IOException {
        if (password.value != null) {
            return password.value;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            throw CliException.usage("--password-stdin: stdin held no password");
        }
        return line;
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
