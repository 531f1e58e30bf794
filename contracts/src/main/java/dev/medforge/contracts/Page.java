package dev.medforge.contracts;

import dev.medforge.contracts.Problem.FieldError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One page of a list that grows for as long as the platform lives (the branches, a branch's
 * versions), by cursor: the items whose key is above {@code after}, at most {@code limit} of them,
 * and the cursor of the next page while there is one. A cursor is the last key a page held (a
 * version number, a branch id), so a page stays the same when items are added after it, which an
 * offset would not. The next page is named the way RFC 8288 says, in a {@code Link} header with
 * {@code rel="next"}, so the body stays the plain list it was.
 *
 * <p>Lists that a rule keeps short are whole: a subscriber's webhooks (at most
 * {@code max-per-owner}) and a webhook's deliveries (the newest {@code log-size}).
 */
public record Page<T>(List<T> items, Optional<String> nextAfter, Integer limit) {

    public static final String AFTER = "after";
    public static final String LIMIT = "limit";
    public static final int MAX_LIMIT = 500;

    /** The broken paging rules of a list keyed by number, with their fields; empty when they may be used. */
    public static List<FieldError> check(Integer after, Integer limit) {
        List<FieldError> errors = new ArrayList<>();
        if (after != null && after < 0) {
            errors.add(new FieldError("OUT_OF_RANGE", AFTER, "must be 0 or more, got " + after));
        }
        errors.addAll(check(limit));
        return errors;
    }

    /** The broken paging rule of {@code limit}, if it is broken. */
    public static List<FieldError> check(Integer limit) {
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            return List.of(new FieldError("OUT_OF_RANGE", LIMIT, "must be between 1 and " + MAX_LIMIT + ", got " + limit));
        }
        return List.of();
    }

    /**
     * The page of {@code items}, in ascending order of {@code key}, after {@code after}; every item
     * from there on when {@code limit} is null, as callers that predate paging expect. The order is
     * Java's, not the database's collation, so that the cursor compares the way the list was cut.
     */
    public static <T, K extends Comparable<? super K>> Page<T> of(List<T> items, Function<T, K> key, K after, Integer limit) {
        List<T> rest = items.stream().filter(item -> after == null || key.apply(item).compareTo(after) > 0)
                .sorted(Comparator.comparing(key)).toList();
        if (limit == null || rest.size() <= limit) {
            return new Page<>(rest, Optional.empty(), limit);
        }
        List<T> page = rest.subList(0, limit);
        return new Page<>(page, Optional.of(String.valueOf(key.apply(page.get(page.size() - 1)))), limit);
    }

    /** The {@code Link} header naming the next page of {@code path}, of the same size, when there is one. */
    public Optional<String> link(String path) {
        return nextAfter.map(next -> "<" + path + "?" + AFTER + "=" + URLEncoder.encode(next, StandardCharsets.UTF_8)
                + "&" + LIMIT + "=" + limit + ">; rel=\"next\"");
    }
}
