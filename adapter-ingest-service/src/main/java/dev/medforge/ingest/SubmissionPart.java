package dev.medforge.ingest;

import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;

import java.util.function.Function;

/** The parts every submission must carry, named as in the submitted event. */
public enum SubmissionPart {
    ADAPTER_CONFIG("adapterConfig", "adapter_config", SubmittedArtifacts::adapterConfig),
    ADAPTER_MODEL("adapterModel", "adapter_model", SubmittedArtifacts::adapterModel),
    DISTILLED("distilled", "distilled", SubmittedArtifacts::distilled),
    PRIVACY_REPORT("privacyReport", "privacy_report", SubmittedArtifacts::privacyReport);

    private final String field;
    private final String partName;
    private final Function<SubmittedArtifacts, String> digest;

    SubmissionPart(String field, String partName, Function<SubmittedArtifacts, String> digest) {
        this.field = field;
        this.partName = partName;
        this.digest = digest;
    }

    /** The name the part had in the upload, which also starts the field of a rule broken inside it, e.g. {@code privacy_report.images}. */
    public String partName() {
        return partName;
    }

    /** The field path a rejection names, e.g. {@code artifacts.adapterModel}. */
    public String field() {
        return "artifacts." + field;
    }

    public String digestIn(SubmittedArtifacts artifacts) {
        return digest.apply(artifacts);
    }
}
