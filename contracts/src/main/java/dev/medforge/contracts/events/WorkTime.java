package dev.medforge.contracts.events;

/**
 * The work time of the merge that built a composite and of its evaluation, without the time either
 * waited in a queue: the load benchmark and operators read from it what one version cost, which the
 * time from submission to publication hides once work piles up.
 *
 * @param mergeMillis      the merge worker's time on the composite, as {@link CompositeCreated#durationMillis()}
 * @param evaluationMillis the eval worker's time scoring it and deciding the gate
 */
public record WorkTime(long mergeMillis, long evaluationMillis) {
}
