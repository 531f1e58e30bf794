package dev.medforge.contracts.artifacts;

/** Stored bytes no longer hash to their address; they are refused rather than served. */
public class ArtifactCorruptedException extends java.io.IOException {
    public ArtifactCorruptedException(ArtifactDigest expected, String actual) {
        super("artifact " + expected + " is corrupted: its content hashes to sha256:" + actual);
    }
}
