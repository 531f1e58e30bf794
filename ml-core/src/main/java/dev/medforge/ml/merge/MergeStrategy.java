package dev.medforge.ml.merge;

/**
 * One way of combining adapters into a composite, looked up by name in {@link MergeStrategies}
 * (like mergekit's merge methods).
 */
public interface MergeStrategy {
    String name();

    Composite merge(MergeRequest request);
}
