package dev.medforge.ml.store;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.ml.merge.MemberKey;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One member's class probabilities on one image set (an evaluation suite), kept as an artifact, so
 * that a mixture version is scored with forward passes for its new members only (issue 12 item 1).
 * A member of a mixture runs alone (base + its LoRA) under a task's head, so its outputs on a suite
 * depend on four things only: the base, its LoRA modules, the head and the images ({@link MemberKey}),
 * and an entry is found through a ref of the store named by that key.
 * <p>
 * Entries are never trusted: the store checks the bytes against their digest, and the entry names
 * its key, so a damaged entry or a pointer to the wrong one is computed again and replaced.
 */
public final class MemberOutputCache {

    private static final String FORMAT = "medforge-member-outputs/1";
    private static final String PROBABILITIES = "probabilities";
    private static final String LABELS = "labels";
    private static final String KEY = "key";
    private static final long HEADER_CAP = 64 * 1024;

    /** Where a lookup's outputs came from; {@code RECOMPUTED} means an entry existed and could not be used. */
    public enum Source { CACHED, COMPUTED, RECOMPUTED }

    /**
     * @param probabilities [n, classes], one row per image of the set
     * @param labels        the set's task-local labels, so scoring from the cache needs no images
     */
    public record Outputs(float[][] probabilities, int[] labels) {
        public Outputs {
            if (probabilities.length != labels.length || probabilities.length == 0) {
                throw new IllegalArgumentException(probabilities.length + " rows of probabilities for " + labels.length + " labels");
            }
        }
    }

    /** @param problem why an existing entry was not used, when {@code source} is RECOMPUTED */
    public record Lookup(Outputs outputs, Source source, String problem) {
    }

    private final ArtifactStore store;

    public MemberOutputCache(ArtifactStore store) {
        this.store = store;
    }

    /** The outputs under {@code key}, from the store when a sound entry is there, else from {@code compute}, then kept. */
    public Lookup outputs(String key, Supplier<Outputs> compute) {
        String problem = null;
        try {
            var digest = store.ref(key);
            if (digest.isPresent()) {
                try {
                    return new Lookup(read(store.getBytes(digest.get()), key), Source.CACHED, null);
                } catch (IOException | SafetensorsFormatException | RuntimeException e) {
                    problem = "entry " + digest.get() + " cannot be used: " + e.getMessage();
                }
            }
            Outputs computed = compute.get();
            ArtifactDigest written = store.put(write(computed, key));
            store.putRef(key, written);
            return new Lookup(computed, problem == null ? Source.COMPUTED : Source.RECOMPUTED, problem);
        } catch (IOException e) {
            throw new UncheckedIOException("member outputs " + key + ": the artifact store failed", e);
        }
    }

    static byte[] write(Outputs outputs, String key) {
        int n = outputs.probabilities().length;
        int classes = outputs.probabilities()[0].length;
        float[] flat = new float[n * classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(outputs.probabilities()[i], 0, flat, i * classes, classes);
        }
        long[] labels = Arrays.stream(outputs.labels()).asLongStream().toArray();
        return new SafetensorsWriter()
                .metadata("format", FORMAT)
                .metadata(KEY, key)
                .putF32(PROBABILITIES, flat, n, classes)
                .putI64(LABELS, labels, n)
                .toBytes();
    }

    static Outputs read(byte[] bytes, String key) throws SafetensorsFormatException {
        SafetensorsFile file = new SafetensorsReader(HEADER_CAP, Set.of("format", KEY)).read(bytes);
        if (!key.equals(file.metadata().get(KEY))) {
            throw new IllegalStateException("it holds the outputs of another key: " + file.metadata().get(KEY));
        }
        TensorEntry p = file.tensor(PROBABILITIES);
        TensorEntry y = file.tensor(LABELS);
        if (p.shape().length != 2 || y.shape().length != 1 || p.shape()[0] != y.shape()[0]) {
            throw new IllegalStateException("it lacks " + PROBABILITIES + " [n, classes] and " + LABELS + " [n]");
        }
        int n = (int) p.shape()[0];
        int classes = (int) p.shape()[1];
        float[] flat = p.floats();
        float[][] probabilities = new float[n][classes];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * classes, probabilities[i], 0, classes);
        }
        int[] labels = Arrays.stream(y.longs()).mapToInt(Math::toIntExact).toArray();
        return new Outputs(probabilities, labels);
    }
}
