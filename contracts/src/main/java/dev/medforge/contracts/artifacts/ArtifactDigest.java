package dev.medforge.contracts.artifacts;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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

    /** The content address of {@code content}. */
    public static ArtifactDigest of(byte[] content) {
        return new ArtifactDigest(HexFormat.of().formatHex(sha256(content)));
    }

    /** The content address of everything {@code sha256} has been fed; this completes (resets) it. */
    public static ArtifactDigest of(MessageDigest sha256) {
        return new ArtifactDigest(HexFormat.of().formatHex(sha256.digest()));
    }

    /** The raw 32-byte SHA-256 of {@code bytes}, for callers that need the hash itself rather than an address. */
    public static byte[] sha256(byte[] bytes) {
        return newSha256().digest(bytes);
    }

    /** A fresh SHA-256 digester, for content fed in pieces. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return PREFIX + hex;
    }
}
