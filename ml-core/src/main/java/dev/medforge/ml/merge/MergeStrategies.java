package dev.medforge.ml.merge;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registry of merge strategies, each under its own {@link MergeStrategy#name()}, so a name is
 * written once, in its class; adding a method means adding one line here.
 */
public final class MergeStrategies {
    private static final Map<String, Supplier<MergeStrategy>> BY_NAME = new LinkedHashMap<>();

    static {
        register(LinearMerge::new);
        register(TaskArithmeticMerge::new);
        register(TiesMerge::new);
        register(DareMerge::new);
        register(() -> new FusionMerge(FusionMerge.Mode.SEQUENTIAL));
        register(() -> new FusionMerge(FusionMerge.Mode.JOINT));
        register(MixtureMerge::new);
        register(GlobalMixtureMerge::new);
    }

    private static void register(Supplier<MergeStrategy> strategy) {
        String name = strategy.get().name();
        if (BY_NAME.putIfAbsent(name, strategy) != null) {
            throw new IllegalStateException("two merge strategies are named '" + name + "'");
        }
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
