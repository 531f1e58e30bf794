package dev.medforge.contracts;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PageTest {

    @Test
    void aPageHoldsTheItemsAfterTheCursorAndNamesTheNextWhileMoreFollow() {
        List<Integer> versions = List.of(1, 2, 3, 4, 5);
        Page<Integer> first = Page.of(versions, Function.identity(), null, 2);
        assertEquals(List.of(1, 2), first.items());
        assertEquals(Optional.of("</v?after=2&limit=2>; rel=\"next\""), first.link("/v"));
        Page<Integer> last = Page.of(versions, Function.identity(), 4, 2);
        assertEquals(List.of(5), last.items());
        assertEquals(Optional.empty(), last.link("/v"));
    }

    /** A cursor that names no item still cuts where it would sort, so a deleted item does not break the pages after it. */
    @Test
    void keysSortAsJavaComparesThemWhateverOrderTheyCameIn() {
        List<String> branches = List.of("b", "a-2", "c", "a-10");
        assertEquals(List.of("a-10", "a-2", "b", "c"), Page.of(branches, Function.identity(), null, null).items());
        Page<String> page = Page.of(branches, Function.identity(), "a-3", 1);
        assertEquals(List.of("b"), page.items());
        assertEquals(Optional.of("b"), page.nextAfter());
    }

    @Test
    void withoutALimitEveryItemAfterTheCursorComesAndNoLink() {
        Page<Integer> all = Page.of(List.of(1, 2, 3), Function.identity(), 1, null);
        assertEquals(List.of(2, 3), all.items());
        assertEquals(Optional.empty(), all.link("/v"));
    }

    @Test
    void aCursorIsEncodedInTheLink() {
        Page<String> page = Page.of(List.of("a b", "c&d", "e"), Function.identity(), null, 2);
        assertEquals(Optional.of("</x?after=c%26d&limit=2>; rel=\"next\""), page.link("/x"));
    }

    @Test
    void outOfRangeRulesNameTheirFields() {
        assertEquals(List.of("after", "limit"), Page.check(-1, 501).stream().map(Problem.FieldError::field).toList());
        assertEquals(List.of("limit"), Page.check(0).stream().map(Problem.FieldError::field).toList());
        assertEquals(List.of(), Page.check(0, Page.MAX_LIMIT));
    }
}
