package dev.medforge.gateway.service;

import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps webhooks from reaching inside: the gateway sits next to the registry, Keycloak and the
 * broker, and a webhook that posts to one of them is a request forged with the gateway's network
 * position. Checked when a webhook is registered and again before every delivery attempt, because a
 * name that resolved to a public address at registration may resolve to an internal one later (DNS
 * rebinding).
 */
@ApplicationScoped
public class WebhookAddressGuard {

    public static final String FORMAT = "URL_FORMAT";
    public static final String USERINFO = "WEBHOOK_URL_USERINFO";
    public static final String NUMERIC_HOST = "WEBHOOK_URL_NUMERIC_HOST";
    public static final String UNRESOLVED = "WEBHOOK_URL_UNRESOLVED";
    public static final String INTERNAL = "WEBHOOK_URL_INTERNAL";

    private static final Set<String> SCHEMES = Set.of("http", "https");
    // A last label that is a number in any base makes URL parsers (WHATWG, curl, inet_aton) read the
    // whole host as an IPv4 address, in forms such as 2130706433, 0x7f000001, 0177.0.0.1 or 127.1.
    private static final Pattern NUMBER_LABEL = Pattern.compile("\\d+|0x[0-9a-f]*");
    private static final Pattern DOTTED_QUAD = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

    /** Why a URL may not be posted to. */
    public record Refusal(String rule, String reason) {

        /** A name that does not resolve now may resolve later; every other refusal stands. */
        public boolean lasting() {
            return !UNRESOLVED.equals(rule);
        }
    }

    private final HostResolver resolver;
    private final Set<String> allowedInternalHosts;

    @Inject
    WebhookAddressGuard(HostResolver resolver, GatewayConfig config) {
        this(resolver, config.webhooks().allowedInternalHosts().orElse(Set.of()));
    }

    WebhookAddressGuard(HostResolver resolver, Set<String> allowedInternalHosts) {
        this.resolver = resolver;
        this.allowedInternalHosts = allowedInternalHosts.stream()
                .map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** The URL as a webhook may hold it; a 400 naming the rule and the field {@code url} otherwise. */
    public URI admit(String url) {
        URI uri = parse(url);
        Optional<Refusal> refusal = refusal(uri);
        if (refusal.isPresent()) {
            throw GatewayException.badRequest(refusal.get().rule(), "url", refusal.get().reason());
        }
        return uri;
    }

    /** Why nothing may be posted to this URL now, or empty when it may. */
    public Optional<Refusal> refusal(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority.contains("@")) {
            return refuse(USERINFO, "a webhook URL may not carry a user name or password: a receiver authenticates "
                    + "deliveries by their signature, and a user part is a common way to disguise the real host");
        }
        String host = (uri.getHost() != null ? uri.getHost() : authority.replaceFirst(":\\d*$", "")).toLowerCase(Locale.ROOT);
        if (looksNumeric(host) && !DOTTED_QUAD.matcher(host).matches()) {
            return refuse(NUMERIC_HOST, "host '" + host + "' is a number but not a dotted quad such as 203.0.113.7; "
                    + "other forms of an IPv4 address are refused");
        }
        if (uri.getHost() == null) {
            return refuse(FORMAT, "host '" + host + "' is not a valid host name");
        }
        if (allowedInternalHosts.contains(host)) {
            return Optional.empty();
        }
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            addresses = List.of();
        }
        if (addresses.isEmpty()) {
            return refuse(UNRESOLVED, "host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            Optional<String> range = InternalAddresses.rangeOf(address.getAddress());
            if (range.isPresent()) {
                return refuse(INTERNAL, "host '" + host + "' resolves to " + address.getHostAddress() + ", "
                        + range.get() + "; webhooks must reach a public address");
            }
        }
        return Optional.empty();
    }

    private static URI parse(String url) {
        try {
            URI uri = URI.create(url == null ? "" : url);
            if (uri.getScheme() != null && SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                    && uri.getRawAuthority() != null && uri.getPort() <= 65535) {
                return uri;
            }
        } catch (IllegalArgumentException e) {
            // reported below, like any other unusable address
        }
        throw GatewayException.badRequest(FORMAT, "url", "an absolute http or https URL is required, got '" + url + "'");
    }

    private static boolean looksNumeric(String host) {
        String[] labels = (host.endsWith(".") ? host.substring(0, host.length() - 1) : host).split("\\.", -1);
        return NUMBER_LABEL.matcher(labels[labels.length - 1]).matches();
    }

    private static Optional<Refusal> refuse(String rule, String reason) {
        return Optional.of(new Refusal(rule, reason));
    }
}
