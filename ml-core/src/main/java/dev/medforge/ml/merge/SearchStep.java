package dev.medforge.ml.merge;

/**
 * One evaluated point of a coefficient search, kept in the composite for lineage and events.
 *
 * @param evaluation 1-based position in the search (sequential fusion numbers each search anew)
 * @param loss the distilled-set loss alone
 * @param objective loss plus the L1 penalty: what the search minimised
 */
public record SearchStep(int evaluation, double[] coefficients, double loss, double objective) { }
