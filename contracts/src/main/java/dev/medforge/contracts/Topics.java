package dev.medforge.contracts;

import java.util.List;

/** Kafka topic names. Every event of one branch is keyed by the branch id, so it keeps its order. */
public final class Topics {

    public static final String ADAPTER_SUBMITTED = "medforge.adapter.submitted";
    public static final String ADAPTER_VALIDATED = "medforge.adapter.validated";
    public static final String ADAPTER_REJECTED = "medforge.adapter.rejected";
    public static final String COMPOSITE_CREATED = "medforge.composite.created";
    public static final String COMPOSITE_EVALUATED = "medforge.composite.evaluated";
    public static final String COMPOSITE_REBASE = "medforge.composite.rebase";
    public static final String MODEL_PUBLISHED = "medforge.model.published";
    public static final String SUBMISSION_STATUS = "medforge.submission.status";

    /** Suffix of the dead-letter topic that receives a consumer's poison messages. */
    public static final String DLQ_SUFFIX = ".dlq";

    public static final List<String> ALL = List.of(
            ADAPTER_SUBMITTED, ADAPTER_VALIDATED, ADAPTER_REJECTED, COMPOSITE_CREATED,
            COMPOSITE_EVALUATED, COMPOSITE_REBASE, MODEL_PUBLISHED, SUBMISSION_STATUS);

    public static String deadLetter(String topic) {
        return topic + DLQ_SUFFIX;
    }

    private Topics() {
    }
}
