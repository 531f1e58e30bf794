package dev.medforge.contracts.artifacts;

/** The caller named an artifact with something that is not a sha256 digest. */
public class InvalidDigestException extends IllegalArgumentException {
    public InvalidDigestException(String message) {
        super(message);
    }
}
