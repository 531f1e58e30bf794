package dev.medforge.cli.gateway;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a person does in a browser during a device sign-in, done with plain HTTP against the real
 * Keycloak: open the link, fill in the sign-in form, then grant or refuse the CLI access. It keeps
 * cookies like a browser and follows redirects; it does not run the pages' scripts, which the
 * forms do not need.
 */
final class KeycloakBrowser {

    private static final Pattern LOGIN_FORM = Pattern.compile("id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern CONSENT_FORM = Pattern.compile("action=\"([^\"]*login-actions/consent[^\"]*)\"");
    private static final Pattern CODE = Pattern.compile("name=\"code\" value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new Jar())
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /**
     * Every cookie the provider sets, sent back on every request. Java's CookieManager never sends
     * a {@code Secure} cookie over http, and Keycloak marks its sign-in cookies Secure (SameSite=None);
     * browsers, like this jar, make an exception for loopback.
     */
    private static final class Jar extends CookieHandler {
        private final Map<String, String> cookies = new ConcurrentHashMap<>();

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            return Map.of("Cookie", List.of(cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; "))));
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) {
            responseHeaders.entrySet().stream().filter(h -> "set-cookie".equalsIgnoreCase(h.getKey()))
                    .flatMap(h -> h.getValue().stream())
                    .map(header -> header.split(";", 2)[0].split("=", 2))
                    .filter(pair -> pair.length == 2)
                    .forEach(pair -> cookies.put(pair[0].strip(), pair[1].strip()));
        }
    }

    /** Opens {@code link}, signs in as {@code user}, and answers the consent page; returns the last page's text. */
    String signIn(String link, String user, String password, boolean grant) throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(link)).GET().build(), HttpResponse.BodyHandlers.ofString());
        page = post(page, find(LOGIN_FORM, page.body(), "sign-in form"), Map.of("username", user, "password", password, "credentialId", ""));
        Map<String, String> answer = new LinkedHashMap<>();
        answer.put("code", find(CODE, page.body(), "consent code"));
        answer.put(grant ? "accept" : "cancel", grant ? "Yes" : "No");
        return post(page, find(CONSENT_FORM, page.body(), "consent form"), answer).body();
    }

    private HttpResponse<String> post(HttpResponse<String> from, String action, Map<String, String> fields)
            throws IOException, InterruptedException {
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI target = from.uri().resolve(action.replace("&amp;", "&"));
        return http.send(HttpRequest.newBuilder(target).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String find(Pattern pattern, String html, String what) {
        Matcher m = pattern.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no " + what + " on the page:\n" + html);
        }
        return m.group(1);
    }
}
