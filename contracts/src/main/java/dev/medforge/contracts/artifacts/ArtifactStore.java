package dev.medforge.contracts.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Optional;

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

    /**
     * Points {@code name} at an artifact, replacing whatever it pointed at: for content found by what
     * it was made from (a cache key) rather than by its bytes. Last writer wins; the target is still
     * checked against its digest when read, so a wrong or damaged pointer can only cost a recompute.
     * The target belongs to the ref: it is something that can be made again, and
     * {@link #collectRefs} removes it with the ref, so never point a ref at an artifact that is kept
     * for its own sake (an adapter, a published composite).
     */
    void putRef(String name, ArtifactDigest digest) throws IOException;

    /**
     * The artifact {@code name} points at; empty when it points nowhere or its pointer is unreadable.
     * Finding it counts as a use of the entry, which keeps it from {@link #collectRefs}.
     */
    Optional<ArtifactDigest> ref(String name) throws IOException;

    /**
     * Removes every ref neither written nor found since {@code unusedSince}, with the artifact it
     * points at: cache entries that nobody asked for in that time, which a reader that wants one
     * again computes again. A reader racing the collection finds no entry, or an entry whose
     * artifact is gone, and recomputes either way.
     */
    RefCollection collectRefs(Instant unusedSince) throws IOException;

    /**
     * @param collected refs removed, with their artifacts
     * @param bytes     the size of the artifacts removed
     * @param kept      refs used since the cut-off
     */
    record RefCollection(int collected, long bytes, int kept) {
    }

    default ArtifactDigest put(byte[] content) throws IOException {
        return put(new java.io.ByteArrayInputStream(content));
    }

    default byte[] getBytes(ArtifactDigest digest) throws IOException {
        try (InputStream in = get(digest)) {
            return in.readAllBytes();
        }
    }
}
