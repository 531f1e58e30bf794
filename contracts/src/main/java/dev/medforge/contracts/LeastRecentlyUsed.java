package dev.medforge.contracts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The services' in-memory caches: a map that forgets its least recently used entry once it holds
 * more than a capacity. Every cache of this kind keeps what can be read or computed again, so a
 * forgotten entry costs one more read, never a wrong answer.
 */
public final class LeastRecentlyUsed {

    private LeastRecentlyUsed() {
    }

    /**
     * Synchronized on itself, as {@link Collections#synchronizedMap} is: a caller may hold its lock
     * across a lookup and an insert.
     */
    public static <K, V> Map<K, V> map(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }
}
