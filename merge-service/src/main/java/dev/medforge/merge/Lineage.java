package dev.medforge.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.AdapterRef;

import java.util.List;

/**
 * Every adapter a composite contains, in arrival order, stored inside the composite file. The next
 * merge reads it from the parent, so a composite always contains all earlier adapters.
 */
public record Lineage(List<AdapterRef> members) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final Lineage EMPTY = new Lineage(List.of());

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Lineage fromJson(String json) {
        try {
            return JSON.readValue(json, Lineage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("composite lineage is unreadable: " + e.getOriginalMessage(), e);
        }
    }
}
