package dev.medforge.ml.merge;

import java.util.List;

/** What the coefficient searches minimise: a loss of a composite on some tasks' data. */
@FunctionalInterface
public interface CompositeLoss {
    double loss(Composite composite, List<String> tasks);
}
