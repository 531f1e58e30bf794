package dev.medforge.contracts.events;

/**
 * The payload of an {@link EventEnvelope}. Each implementation is bound to exactly one topic through
 * {@link EventType}, so the envelope's {@code type} tells a reader which record to expect.
 */
public sealed interface EventData permits AdapterSubmitted, AdapterValidated, AdapterRejected,
        CompositeCreated, CompositeEvaluated, CompositeRebase, ModelPublished, SubmissionStatus {

    /** The branch the event belongs to; it becomes the envelope subject and the Kafka key. */
    String branch();

    /**
     * Tells apart events of one type caused by one event, e.g. the status of each submission in a
     * composite. Part of the derived id in {@link EventEnvelope#wrapCausedBy}.
     */
    default String discriminator() {
        return "";
    }
}
