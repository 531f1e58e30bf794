package dev.medforge.gateway.rest;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Link;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.Optional;

/**
 * A page the registry answered, passed on to the gateway's caller. The registry's {@code Link}
 * names its own internal path; the caller follows the gateway's, so only the registry's cursor (the
 * link's query) is kept and set on the path the caller asked for.
 */
final class RegistryPages {

    /**
     * The paging rules as each paged list's OpenAPI description says them, around the name of its
     * cursor: {@code PAGED_AFTER_THE_LAST + "version number" + PAGED_REST}.
     */
    static final String PAGED_AFTER_THE_LAST = "Page through them with `limit` (1 to 500) and `after` (the last ";
    static final String PAGED_REST = " of the page before): while more follow, a `Link: <…?after=…&limit=L>; rel=\"next\"` header"
            + " (RFC 8288) names the next page. Without `limit`, all of them.";
    static final String NEXT_PAGE_LINK = "the next page while there is one, rel=\"next\"";

    private RegistryPages() {
    }

    static <T> RestResponse<List<T>> relay(RestResponse<List<T>> answer, String path) {
        RestResponse.ResponseBuilder<List<T>> page = RestResponse.ResponseBuilder.ok(answer.getEntity());
        Optional.ofNullable(answer.getHeaderString(HttpHeaders.LINK)).map(Link::valueOf).ifPresent(next -> page.header(HttpHeaders.LINK,
                Link.fromUri(path + "?" + next.getUri().getRawQuery()).rel(next.getRel()).build().toString()));
        return page.build();
    }
}
