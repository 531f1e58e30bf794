package dev.medforge.contracts.artifacts;

/** No artifact is stored under the digest. */
public class ArtifactNotFoundException extends java.io.IOException {
    public ArtifactNotFoundException(ArtifactDigest digest) {
        super("no artifact " + digest);
    }
}
