package dev.medforge.contracts.artifacts;

import java.util.regex.Pattern;

/**
 * A content address, {@code sha256:<64 lowercase hex>}. Parsing is strict because the hex becomes a
 * path below the store root: nothing else may ever reach the file system.
 */
public record ArtifactDigest(String hex) {

    public static final String PREFIX = "sha256:";
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public ArtifactDigest {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new InvalidDigestException("a digest must be 64 lowercase hex characters, got '" + hex + "'");
        }
    }

    public static ArtifactDigest parse(String value) {
        if (value == null || !value.startsWith(PREFIX)) {
            throw new InvalidDigestException("a digest must start with '" + PREFIX + "', got '" + value + "'");
        }
        return new ArtifactDigest(value.substring(PREFIX.length()));
    }

    @Override
    public String toString() {
        return PREFIX + hex;
    }
}
