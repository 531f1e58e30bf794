package dev.medforge.contracts;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeastRecentlyUsedTest {

    @Test
    void pastItsCapacityItForgetsTheEntryUsedLeastRecentlyNotTheOldest() {
        Map<String, Integer> cache = LeastRecentlyUsed.map(2);
        cache.put("a", 1);
        cache.put("b", 2);
        assertEquals(1, cache.get("a"), "reading a makes b the least recently used");
        cache.put("c", 3);
        assertEquals(2, cache.size());
        assertTrue(cache.containsKey("a"));
        assertFalse(cache.containsKey("b"), "b was used least recently");
        assertEquals(3, cache.get("c"));
    }
}
