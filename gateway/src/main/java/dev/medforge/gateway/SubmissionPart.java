package dev.medforge.gateway;

/** The multipart parts of a submission, with the format each must have. */
public enum SubmissionPart {
    MANIFEST("manifest", Format.JSON_OBJECT),
    ADAPTER_CONFIG("adapter_config", Format.JSON_OBJECT),
    ADAPTER_MODEL("adapter_model", Format.SAFETENSORS),
    DISTILLED("distilled", Format.SAFETENSORS),
    PRIVACY_REPORT("privacy_report", Format.JSON_OBJECT);

    public enum Format { JSON_OBJECT, SAFETENSORS }

    private final String partName;
    private final Format format;

    SubmissionPart(String partName, Format format) {
        this.partName = partName;
        this.format = format;
    }

    /** The multipart name, which is also the field that errors about this part name. */
    public String partName() {
        return partName;
    }

    public Format format() {
        return format;
    }
}
