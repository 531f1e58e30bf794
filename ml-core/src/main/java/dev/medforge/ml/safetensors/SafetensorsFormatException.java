package dev.medforge.ml.safetensors;

/**
 * A safetensors file broke one of the reader's rules. Adapters come from strangers, so every
 * rejection names the rule and, where there is one, the tensor, so the submitter can be told what
 * to fix without anyone opening the file.
 */
public final class SafetensorsFormatException extends Exception {

    /** The rules a file must satisfy; the names are stable and used as rejection codes. */
    public enum Rule {
        HEADER_TOO_SHORT,
        HEADER_TOO_LARGE,
        HEADER_BEYOND_FILE,
        INVALID_JSON,
        DUPLICATE_KEY,
        INVALID_ENTRY,
        UNKNOWN_DTYPE,
        INVALID_SHAPE,
        SHAPE_MISMATCH,
        OFFSETS_OUT_OF_BOUNDS,
        OFFSETS_OVERLAP,
        OFFSETS_GAP,
        NON_FINITE,
        METADATA_NOT_ALLOWED,
        IO_ERROR
    }

    private final Rule rule;
    private final String tensor;

    public SafetensorsFormatException(Rule rule, String tensor, String message) {
        this(rule, tensor, message, null);
    }

    public SafetensorsFormatException(Rule rule, String tensor, String message, Throwable cause) {
        super(rule + (tensor == null ? "" : " [" + tensor + "]") + ": " + message, cause);
        this.rule = rule;
        this.tensor = tensor;
    }

    public Rule rule() {
        return rule;
    }

    /** The offending tensor (or metadata key), or {@code null} when the fault is file-wide. */
    public String tensor() {
        return tensor;
    }
}
