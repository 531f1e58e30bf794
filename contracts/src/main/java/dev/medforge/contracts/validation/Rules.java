package dev.medforge.contracts.validation;

import jakarta.validation.Payload;

/**
 * The shapes MedForge's names and digests take and the size a submission's part may have, written
 * once for every place that checks them (request records, the submission manifest, the gateway's
 * path checks, the gateway's and ingest's size limits), and the codes a broken rule is reported
 * under ({@link FieldErrors}). A constraint names its code through its payload;
 * one without a payload takes its annotation's default code.
 */
public final class Rules {

    /** Branches, tasks, institutions: what may stand in a URL path and a Kafka key without escaping. */
    public static final String NAME = "[a-z0-9][a-z0-9._-]{0,63}";
    public static final String NAME_MESSAGE = "lowercase letters, digits, '.', '_' or '-', at most 64, got '${validatedValue}'";

    /** Base model ids follow the Hugging Face convention {@code owner/name}. */
    public static final String MODEL_ID = NAME + "(/" + NAME + ")?";
    public static final String MODEL_ID_MESSAGE = "owner/name in lowercase letters, digits, '.', '_' or '-', got '${validatedValue}'";

    /** An artifact in the content-addressed store. */
    public static final String DIGEST = "sha256:[0-9a-f]{64}";
    public static final String DIGEST_MESSAGE = "must be sha256:<64 lowercase hex>, got '${validatedValue}'";

    /** The largest part of a submission unless configured otherwise, 64 MiB, as a config default. */
    public static final String MAX_PART_BYTES = "67108864";

    private Rules() {
    }

    /** Reported as NAME_FORMAT. */
    public interface NameFormat extends Payload {
    }

    /** Reported as DIGEST_FORMAT. */
    public interface DigestFormat extends Payload {
    }
}
