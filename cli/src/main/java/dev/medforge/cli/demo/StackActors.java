package dev.medforge.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of the drivers that play the stack's users ({@code demo}, {@code loadtest}): which
 * gateway, which operator account, and where the local accounts' password comes from.
 */
final class StackActors {

    @Option(names = "--gateway", defaultValue = "${env:MEDFORGE_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "gateway URL (default ${DEFAULT-VALUE})")
    String gateway;

    @Option(names = "--operator", defaultValue = "ops", description = "operator account (default ${DEFAULT-VALUE})")
    String operator;

    @Option(names = "--password-env", defaultValue = "MEDFORGE_DEMO_PASSWORD",
            description = "environment variable with the accounts' password; the local realm's medforge-dev when unset")
    String passwordEnv;

    String password() {
        return System.getenv().getOrDefault(passwordEnv, "medforge-dev");
    }

    URI gatewayUri() {
        return URI.create(gateway.replaceAll("/+$", ""));
    }

    /** The actor signs in to its own profile, as a person would with {@code medforge login}. */
    void signIn(CliRunner cli, String actor) {
        cli.run(actor, List.of("login", "--profile", actor, "--username", actor, "--password-stdin"), password() + "\n", 0);
    }

    /** Whether the gateway answers ready; if not, a line on {@code err} says why. */
    boolean gatewayReady(PrintWriter err) {
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(gatewayUri().resolve("/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 200) {
                return true;
            }
            err.println("the gateway at " + gateway + " is not ready (" + ready.statusCode() + "): " + ready.body());
        } catch (IOException e) {
            err.println("the gateway at " + gateway + " does not answer (" + e.getMessage() + "); start the stack with ./medforge up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }
}
