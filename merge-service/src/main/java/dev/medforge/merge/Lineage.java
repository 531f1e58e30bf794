package dev.medforge.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.events.AdapterRef;

import java.util.List;

/**
 * Every adapter a composite contains, in arrival order, stored inside the composite file. The next
 * merge reads it from the parent, so a composite always contains all earlier adapters.
 *
 * @param fusionProgress the digest of where sequential fusion stood after these members
 *     ({@link dev.medforge.ml.merge.FusionProgress}), for the next version to resume from; null for
 *     other strategies and for composites written before it was kept
 */
public record Lineage(List<AdapterRef> members, String fusionProgress) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static final Lineage EMPTY = new Lineage(List.of());

    public Lineage(List<AdapterRef> members) {
        this(members, null);
    }

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
