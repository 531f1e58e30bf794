package dev.medforge.contracts.events;

import dev.medforge.contracts.Topics;

import java.util.Arrays;
import java.util.Optional;

/** Binds each event record to its topic, its CloudEvents {@code type} and its schema version. */
public enum EventType {
    ADAPTER_SUBMITTED(Topics.ADAPTER_SUBMITTED, AdapterSubmitted.class),
    ADAPTER_VALIDATED(Topics.ADAPTER_VALIDATED, AdapterValidated.class),
    ADAPTER_REJECTED(Topics.ADAPTER_REJECTED, AdapterRejected.class),
    COMPOSITE_CREATED(Topics.COMPOSITE_CREATED, CompositeCreated.class),
    COMPOSITE_EVALUATED(Topics.COMPOSITE_EVALUATED, CompositeEvaluated.class),
    COMPOSITE_REBASE(Topics.COMPOSITE_REBASE, CompositeRebase.class),
    MODEL_PUBLISHED(Topics.MODEL_PUBLISHED, ModelPublished.class),
    SUBMISSION_STATUS(Topics.SUBMISSION_STATUS, SubmissionStatus.class);

    private final String topic;
    private final Class<? extends EventData> dataClass;

    EventType(String topic, Class<? extends EventData> dataClass) {
        this.topic = topic;
        this.dataClass = dataClass;
    }

    public String topic() {
        return topic;
    }

    /** The CloudEvents type; it is the topic name, since each topic carries one kind of event. */
    public String type() {
        return topic;
    }

    public String dataschema() {
        return "urn:medforge:schema:" + topic + ":v1";
    }

    public Class<? extends EventData> dataClass() {
        return dataClass;
    }

    public static Optional<EventType> ofType(String type) {
        return Arrays.stream(values()).filter(t -> t.type().equals(type)).findFirst();
    }

    public static EventType of(EventData data) {
        return Arrays.stream(values())
                .filter(t -> t.dataClass == data.getClass())
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no event type for " + data.getClass()));
    }
}
