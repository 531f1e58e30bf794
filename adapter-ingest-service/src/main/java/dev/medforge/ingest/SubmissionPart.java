package dev.medforge.ingest;

import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;

import java.util.function.Function;

/** The parts every submission must carry, named as in the submitted event. */
public enum SubmissionPart {
    ADAPTER_CONFIG("adapterConfig", SubmittedArtifacts::adapterConfig),
    ADAPTER_MODEL("adapterModel", SubmittedArtifacts::adapterModel),
    DISTILLED("distilled", SubmittedArtifacts::distilled),
    PRIVACY_REPORT("privacyReport", SubmittedArtifacts::privacyReport);

    private final String field;
    private final Function<SubmittedArtifacts, String> digest;

    SubmissionPart(String field, Function<SubmittedArtifacts, String> digest) {
        this.field = field;
        this.digest = digest;
    }

    /** The field path a rejection names, e.g. {@code artifacts.adapterModel}. */
    public String field() {
        return "artifacts." + field;
    }

    public String digestIn(SubmittedArtifacts artifacts) {
        return digest.apply(artifacts);
    }
}
