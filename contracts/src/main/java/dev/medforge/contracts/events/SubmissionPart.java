package dev.medforge.contracts.events;

import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;

import java.util.List;
import java.util.function.Function;

/**
 * The parts of a submission, for the gateway that takes them and ingest that checks them: each
 * part's multipart name, the format it must have, and, for the parts the submitted event names by
 * digest, its field there. The manifest is not among those: the event carries its fields itself.
 */
public enum SubmissionPart {
    MANIFEST("manifest", Format.JSON_OBJECT, null, null),
    ADAPTER_CONFIG("adapter_config", Format.JSON_OBJECT, "adapterConfig", SubmittedArtifacts::adapterConfig),
    ADAPTER_MODEL("adapter_model", Format.SAFETENSORS, "adapterModel", SubmittedArtifacts::adapterModel),
    DISTILLED("distilled", Format.SAFETENSORS, "distilled", SubmittedArtifacts::distilled),
    PRIVACY_REPORT("privacy_report", Format.JSON_OBJECT, "privacyReport", SubmittedArtifacts::privacyReport);

    /** The parts the submitted event names by digest, in the order ingest checks them. */
    public static final List<SubmissionPart> STORED = List.of(ADAPTER_CONFIG, ADAPTER_MODEL, DISTILLED, PRIVACY_REPORT);

    public enum Format { JSON_OBJECT, SAFETENSORS }

    private final String partName;
    private final Format format;
    private final String field;
    private final Function<SubmittedArtifacts, String> digest;

    SubmissionPart(String partName, Format format, String field, Function<SubmittedArtifacts, String> digest) {
        this.partName = partName;
        this.format = format;
        this.field = field;
        this.digest = digest;
    }

    /**
     * The multipart name, which is also the field an error about this part names, and starts the
     * field of a rule broken inside it, e.g. {@code privacy_report.images}.
     */
    public String partName() {
        return partName;
    }

    public Format format() {
        return format;
    }

    /** The field path of a {@link #STORED} part in the submitted event, e.g. {@code artifacts.adapterModel}. */
    public String field() {
        requireStored();
        return "artifacts." + field;
    }

    /** The digest of a {@link #STORED} part as the submitted event names it. */
    public String digestIn(SubmittedArtifacts artifacts) {
        requireStored();
        return digest.apply(artifacts);
    }

    private void requireStored() {
        if (digest == null) {
            throw new IllegalStateException("the submitted event carries the " + partName + "'s fields, not its digest");
        }
    }
}
