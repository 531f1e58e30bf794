package dev.medforge.cli.demo;

import dev.medforge.cli.gateway.GatewayAddresses;
import dev.medforge.cli.gateway.Http;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options of the drivers that play the stack's users ({@code demo}, {@code loadtest}): which
 * gateway, which operator account, and where the local accounts' password comes from.
 */
final class StackActors {

    @Option(names = "--gateway", paramLabel = "URL[,URL...]", converter = GatewayAddresses.Converter.class,
            defaultValue = "${env:MEDFORGE_GATEWAY_URL:-http://127.0.0.1:8080}",
            description = "gateway URL, or several separated by commas: the first that answers ready is used, the others stay as"
                    + " fallbacks (default ${DEFAULT-VALUE})")
    GatewayAddresses gateway;

    @Option(names = "--operator", defaultValue = "ops", description = "operator account (default ${DEFAULT-VALUE})")
    String operator;

    @Option(names = "--password-env", defaultValue = "MEDFORGE_DEMO_PASSWORD",
            description = "environment variable with the accounts' password; the local realm's medforge-dev when unset")
    String passwordEnv;

    String password() {
        return System.getenv().getOrDefault(passwordEnv, "medforge-dev");
    }

    /** The actor signs in to its own profile, as a person would with {@code medforge login}. */
    void signIn(CliRunner cli, String actor) {
        cli.run(actor, List.of("login", "--profile", actor, "--username", actor, "--password-stdin"), password() + "\n", 0);
    }

    /**
     * The gateways with the first one that answers ready put first, so that every verb the driver
     * runs starts there; empty when none is ready, each one's reason then said on {@code err}.
     */
    Optional<GatewayAddresses> readyGateways(PrintWriter err) {
        List<String> notReady = new ArrayList<>();
        for (URI url : gateway.urls()) {
            String why = notReady(url);
            if (why == null) {
                if (!notReady.isEmpty()) {
                    err.println("medforge: " + String.join("; ", notReady) + "; using " + url);
                }
                return Optional.of(gateway.startingWith(url));
            }
            notReady.add("the gateway at " + url + " " + why);
        }
        notReady.forEach(line -> err.println(line + "; start the stack with ./medforge up"));
        return Optional.empty();
    }

    /** Why {@code url} is not ready to serve, or null when it is. */
    private static String notReady(URI url) {
        try {
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return ready.statusCode() == 200 ? null : "is not ready (" + ready.statusCode() + "): " + ready.body();
        } catch (IOException e) {
            return "does not answer (" + Http.describe(e) + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "was not asked: interrupted";
        }
    }
}
