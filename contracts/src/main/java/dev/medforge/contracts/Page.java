package dev.medforge.contracts;

import dev.medforge.contracts.Problem.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * One page of a list that grows for as long as a branch lives (its versions), by cursor: the items
 * numbered above {@code after}, at most {@code limit} of them, and the cursor of the next page while
 * there is one. A cursor is the last number a page held, so a page stays the same when items are
 * added after it, which an offset would not. The next page is named the way RFC 8288 says, in a
 * {@code Link} header with {@code rel="next"}, so the body stays the plain list it was.
 */
public record Page<T>(List<T> items, Optional<Integer> nextAfter, Integer limit) {

    public static final String AFTER = "after";
    public static final String LIMIT = "limit";
    public static final int MAX_LIMIT = 500;

    /** The broken paging rules, with their fields; empty when {@code after} and {@code limit} may be used. */
    public static List<FieldError> check(Integer after, Integer limit) {
        List<FieldError> errors = new ArrayList<>();
        if (after != null && after < 0) {
            errors.add(new FieldError("OUT_OF_RANGE", AFTER, "must be 0 or more, got " + after));
        }
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            errors.add(new FieldError("OUT_OF_RANGE", LIMIT, "must be between 1 and " + MAX_LIMIT + ", got " + limit));
        }
        return errors;
    }

    /**
     * The page of {@code ordered} (ascending by {@code number}) after {@code after}; every item from
     * there on when {@code limit} is null, as callers that predate paging expect.
     */
    public static <T> Page<T> of(List<T> ordered, ToIntFunction<T> number, Integer after, Integer limit) {
        List<T> rest = ordered.stream().filter(item -> after == null || number.applyAsInt(item) > after).toList();
        if (limit == null || rest.size() <= limit) {
            return new Page<>(rest, Optional.empty(), limit);
        }
        List<T> page = rest.subList(0, limit);
        return new Page<>(page, Optional.of(number.applyAsInt(page.get(page.size() - 1))), limit);
    }

    /** The {@code Link} header naming the next page of {@code path}, of the same size, when there is one. */
    public Optional<String> link(String path) {
        return nextAfter.map(next -> "<" + path + "?" + AFTER + "=" + next + "&" + LIMIT + "=" + limit + ">; rel=\"next\"");
    }
}
