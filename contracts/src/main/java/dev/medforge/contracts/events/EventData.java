package dev.medforge.contracts.events;

/**
 * The payload of an {@link EventEnvelope}. Each implementation is bound to exactly one topic through
 * {@link EventType}, so the envelope's {@code type} tells a reader which record to expect.
 */
public sealed interface EventData permits AdapterSubmitted, AdapterValidated, AdapterRejected,
        CompositeCreated, CompositeEvaluated, CompositeRebase, ModelPublished, SubmissionStatus {

    /** The branch the event belongs to; it becomes the envelope subject and the Kafka key. */
    String branch();
}
