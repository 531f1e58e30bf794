package dev.medforge.gateway;

import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.ModelPublished;
import dev.medforge.contracts.events.SubmissionStatus;

import java.util.Optional;

/**
 * An event a caller may be told about.
 *
 * @param name     the SSE event name
 * @param audience the only institution that may see it; empty means every subscriber
 */
public record Notification(String name, Optional<String> audience, EventEnvelope<?> event) {

    public static final String MODEL_PUBLISHED = "model.published";
    public static final String SUBMISSION_STATUS = "submission.status";

    public static Notification of(EventEnvelope<ModelPublished> published) {
        return new Notification(MODEL_PUBLISHED, Optional.empty(), published);
    }

    /** Status of a submission is its institution's business alone. */
    public static Notification ofStatus(EventEnvelope<SubmissionStatus> status) {
        return new Notification(SUBMISSION_STATUS, Optional.of(status.data().institution()), status);
    }

    public boolean visibleTo(Caller caller) {
        return audience.isEmpty() || audience.equals(caller.institution());
    }
}
