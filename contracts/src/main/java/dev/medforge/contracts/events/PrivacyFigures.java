package dev.medforge.contracts.events;

/**
 * A contributor's privacy figures, as its privacy report declares them, for the model card: the
 * distance membership-inference attack's AUC, the upper bound of its 95% interval and its TPR at 1%
 * FPR (null when the report carries no audit), and the smallest nearest-real ratio of its distilled
 * images, taken from the per-image entries ingest checked (null for an empty set). They are the
 * institution's declaration: without its data the platform cannot recompute them.
 */
public record PrivacyFigures(Double distanceAuc, Double distanceCiHigh, Double distanceTprAt1Fpr, Double minNearestRealRatio) {
}
