package dev.medforge.ml.merge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The registry of merge strategies by name; adding a method means adding one line here. */
public final class MergeStrategies {
    private static final Map<String, Supplier<MergeStrategy>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("linear", LinearMerge::new);
        BY_NAME.put("task-arithmetic", TaskArithmeticMerge::new);
        BY_NAME.put("ties", TiesMerge::new);
        BY_NAME.put("dare", DareMerge::new);
        BY_NAME.put("fusion", () -> new FusionMerge(FusionMerge.Mode.SEQUENTIAL));
        BY_NAME.put("fusion-joint", () -> new FusionMerge(FusionMerge.Mode.JOINT));
        BY_NAME.put("mixture", MixtureMerge::new);
        BY_NAME.put("mixture-global", GlobalMixtureMerge::new);
    }

    private MergeStrategies() {
    }

    public static Set<String> names() {
        return BY_NAME.keySet();
    }

    public static MergeStrategy get(String name) {
        Supplier<MergeStrategy> s = BY_NAME.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown merge strategy '" + name + "'; known: " + names());
        }
        return s.get();
    }
}
