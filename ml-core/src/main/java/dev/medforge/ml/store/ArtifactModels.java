package dev.medforge.ml.store;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.AdapterValidationException;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.merge.FusionProgress;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.safetensors.SafetensorsFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Models and data sets by digest from the artifact store: what the pipeline services load. Bases
 * are kept once loaded (a branch's base never changes, and one is a few hundred kilobytes); the
 * rest is read on demand, since adapters and sets are only looked at once or twice.
 */
public final class ArtifactModels {

    private final ArtifactStore store;
    private final Map<String, BaseModel> bases = new ConcurrentHashMap<>();

    public ArtifactModels(ArtifactStore store) {
        this.store = store;
    }

    public ArtifactStore store() {
        return store;
    }

    /** The base whose weights are stored under {@code digest}, with its architecture JSON from the registry. */
    public BaseModel base(String digest, String architectureJson) {
        return bases.computeIfAbsent(digest, d -> {
            try {
                return ArtifactModels.<BaseModel, RuntimeException>inScratch(dir -> {
                    copy(d, dir.resolve(BaseModel.WEIGHTS_FILE));
                    Files.writeString(dir.resolve(BaseModel.ARCHITECTURE_FILE), architectureJson);
                    BaseModel base = BaseModel.load(dir);
                    if (!ArtifactDigest.parse(d).hex().equals(base.digest())) {
                        throw new IOException("base model weights hash to " + base.digest() + ", registered as " + d);
                    }
                    return base;
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load base model " + d + " from the artifact store", e);
            }
        });
    }

    /** A PEFT adapter from its two stored files, validated against {@code base}. */
    public Adapter adapter(String configDigest, String weightsDigest, BaseModel base, String task)
            throws AdapterValidationException {
        try {
            return inScratch(dir -> {
                copy(configDigest, dir.resolve(PeftAdapterIO.CONFIG_FILE));
                copy(weightsDigest, dir.resolve(PeftAdapterIO.WEIGHTS_FILE));
                return PeftAdapterIO.read(dir, base, task);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read adapter " + weightsDigest + " from the artifact store", e);
        }
    }

    /** Images and labels (a distilled set or an evaluation suite) for a task with {@code classes} classes. */
    public LabeledImages labeledImages(String digest, int classes, BaseModel base) throws SafetensorsFormatException, IOException {
        return inScratch(dir -> {
            Path file = dir.resolve(DistilledSetIO.FILE);
            copy(digest, file);
            return DistilledSetIO.read(file, classes, base.config().imageSize(), base.config().imageSize());
        });
    }

    public CompositeIO.Loaded composite(String digest) throws SafetensorsFormatException, IOException {
        return CompositeIO.read(store.getBytes(ArtifactDigest.parse(digest)));
    }

    /** Where a sequential fusion stood; the store checks the bytes against the digest, so a damaged file never loads. */
    public FusionProgress fusionProgress(String digest) throws SafetensorsFormatException, IOException {
        return FusionProgress.read(store.getBytes(ArtifactDigest.parse(digest)));
    }

    private void copy(String digest, Path target) throws IOException {
        try (InputStream in = store.get(ArtifactDigest.parse(digest))) {
            Files.copy(in, target);
        }
    }

    @FunctionalInterface
    private interface InScratch<T, E extends Exception> {
        T apply(Path dir) throws IOException, E;
    }

    /** Runs {@code body} with a fresh scratch folder (ml-core reads adapters from folders) and removes it. */
    private static <T, E extends Exception> T inScratch(InScratch<T, E> body) throws IOException, E {
        Path dir = Files.createTempDirectory("medforge-");
        try {
            return body.apply(dir);
        } finally {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover scratch folder under the temp dir is harmless
        }
    }
}
