package dev.medforge.contracts.artifacts;

import java.io.IOException;
import java.io.InputStream;

/**
 * Content-addressed storage for everything too large for an event: adapters, distilled sets,
 * composites and evaluation suites. An address is the sha256 of the bytes, so a put is idempotent
 * and a get can prove that it returns what was put.
 */
public interface ArtifactStore {

    /** Streams {@code content} into the store and returns its address. Storing the same bytes twice is harmless. */
    ArtifactDigest put(InputStream content) throws IOException;

    /** Opens the artifact after checking that its bytes still hash to {@code digest}. */
    InputStream get(ArtifactDigest digest) throws IOException;

    boolean contains(ArtifactDigest digest);

    /** Removes the artifact, if present: for bytes that must not be kept, such as a part refused for identifiers. */
    void delete(ArtifactDigest digest) throws IOException;

    /** Size in bytes; {@link ArtifactNotFoundException} when absent. */
    long size(ArtifactDigest digest) throws IOException;

    default ArtifactDigest put(byte[] content) throws IOException {
        return put(new java.io.ByteArrayInputStream(content));
    }

    default byte[] getBytes(ArtifactDigest digest) throws IOException {
        try (InputStream in = get(digest)) {
            return in.readAllBytes();
        }
    }
}
