package dev.medforge.ml.lora;

/**
 * An adapter directory cannot be used with this base. {@link #code()} and {@link #field()} map
 * directly onto a rejection reason {code, field, message}.
 */
public final class AdapterValidationException extends Exception {

    public enum Code { BASE_MODEL_MISMATCH, INVALID_CONFIG, UNSUPPORTED_FEATURE, INVALID_TENSORS, MISSING_FILE }

    private final Code code;
    private final String field;

    public AdapterValidationException(Code code, String field, String message) {
        this(code, field, message, null);
    }

    public AdapterValidationException(Code code, String field, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.field = field;
    }

    public Code code() {
        return code;
    }

    public String field() {
        return field;
    }
}
