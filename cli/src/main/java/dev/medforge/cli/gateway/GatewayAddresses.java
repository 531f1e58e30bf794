package dev.medforge.cli.gateway;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The gateways a command may call, in the order it tries them: what {@code --gateway} and
 * {@code MEDFORGE_GATEWAY_URL} hold, one base URL or several separated by commas. Every option that
 * names the gateway reads it here, so a list means the same to every verb and driver.
 */
public record GatewayAddresses(List<URI> urls) {

    public GatewayAddresses {
        urls = List.copyOf(urls);
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("no gateway URL");
        }
    }

    /**
     * Reads a comma-separated list. Entries are trimmed and lose trailing slashes (paths are appended
     * to them); an empty entry or one that is not an http(s) URL is refused rather than skipped, since
     * a typo would otherwise leave the user with one gateway fewer than they think.
     */
    public static GatewayAddresses parse(String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("no gateway URL given");
        }
        List<URI> urls = new ArrayList<>();
        for (String entry : value.split(",", -1)) {
            String url = entry.strip().replaceAll("/+$", "");
            if (url.isEmpty()) {
                throw new IllegalArgumentException("empty entry in '" + value + "': separate the URLs with single commas");
            }
            urls.add(httpUrl(url));
        }
        return new GatewayAddresses(urls);
    }

    private static URI httpUrl(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http:// or https:// URL with a host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("'" + url + "' has a query or fragment; give the gateway's base URL");
        }
        return uri;
    }

    public URI first() {
        return urls.get(0);
    }

    /** The same gateways with {@code preferred} tried first and the others, in their order, after it. */
    public GatewayAddresses startingWith(URI preferred) {
        List<URI> reordered = new ArrayList<>(List.of(preferred));
        urls.stream().filter(url -> !url.equals(preferred)).forEach(reordered::add);
        return new GatewayAddresses(reordered);
    }

    /** As {@code --gateway} and {@code MEDFORGE_GATEWAY_URL} take it, for child processes. */
    @Override
    public String toString() {
        return urls.stream().map(URI::toString).collect(Collectors.joining(","));
    }

    /** Picocli's hook: a bad value is a usage error (exit 2) that names the option, before any command runs. */
    public static final class Converter implements ITypeConverter<GatewayAddresses> {
        @Override
        public GatewayAddresses convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage() + " (env MEDFORGE_GATEWAY_URL takes the same list)");
            }
        }
    }
}
