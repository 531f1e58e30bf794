package dev.medforge.ml.store;

import dev.medforge.contracts.LeastRecentlyUsed;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Models and data sets by digest from the artifact store: what the pipeline services load. Bases
 * are kept once loaded (a branch's base never changes, and one is a few hundred kilobytes).
 * Adapters and image sets are kept too, within bounds: a merge takes in every member of the head
 * and its distilled set again for each version, and reading and validating them from the store
 * made every version cost more than the last (issue 12). Their digests fix their bytes, so an entry
 * never goes stale. Callers must not write into what they get back; nothing in the pipeline does.
 */
public final class ArtifactModels {

    /** Adapters are tens of kilobytes each. */
    private static final int ADAPTERS_KEPT = 256;
    /** Pixels kept over all image sets: 32 M floats (128 MB), about 80 evaluation suites of 500 images. */
    private static final long PIXELS_KEPT = 32L << 20;

    private final ArtifactStore store;
    private final Map<String, BaseModel> bases = new ConcurrentHashMap<>();
    private final Map<String, Adapter> adapters = LeastRecentlyUsed.map(ADAPTERS_KEPT);
    private final LinkedHashMap<String, LabeledImages> imageSets = new LinkedHashMap<>(16, 0.75f, true);
    private long pixelsKept;

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

    /** A PEFT adapter from its two stored files, validated against {@code base}; a refused one is not kept. */
    public Adapter adapter(String configDigest, String weightsDigest, BaseModel base, String task)
            throws AdapterValidationException {
        String key = String.join("|", configDigest, weightsDigest, base.digest(), task);
        Adapter kept = adapters.get(key);
        if (kept != null) {
            return kept;
        }
        try {
            Adapter adapter = inScratch(dir -> {
                copy(configDigest, dir.resolve(PeftAdapterIO.CONFIG_FILE));
                copy(weightsDigest, dir.resolve(PeftAdapterIO.WEIGHTS_FILE));
                return PeftAdapterIO.read(dir, base, task);
            });
            adapters.put(key, adapter);
            return adapter;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read adapter " + weightsDigest + " from the artifact store", e);
        }
    }

    /** Images and labels (a distilled set or an evaluation suite) for a task with {@code classes} classes. */
    public LabeledImages labeledImages(String digest, int classes, BaseModel base) throws SafetensorsFormatException, IOException {
        int side = base.config().imageSize();
        String key = String.join("|", digest, String.valueOf(classes), String.valueOf(side));
        synchronized (imageSets) {
            LabeledImages kept = imageSets.get(key);
            if (kept != null) {
                return kept;
            }
        }
        LabeledImages images = inScratch(dir -> {
            Path file = dir.resolve(DistilledSetIO.FILE);
            copy(digest, file);
            return DistilledSetIO.read(file, classes, side, side);
        });
        keep(key, images);
        return images;
    }

    private void keep(String key, LabeledImages images) {
        synchronized (imageSets) {
            if (imageSets.putIfAbsent(key, images) == null) {
                pixelsKept += images.pixels().length;
            }
            var eldest = imageSets.entrySet().iterator();
            while (pixelsKept > PIXELS_KEPT && eldest.hasNext()) {
                pixelsKept -= eldest.next().getValue().pixels().length;
                eldest.remove();
            }
        }
    }

    public CompositeIO.Loaded composite(String digest) throws SafetensorsFormatException, IOException {
        return CompositeIO.read(store.getBytes(ArtifactDigest.parse(digest)));
    }

    /**
     * Where a sequential fusion stood; the store checks the bytes against the digest, so a damaged
     * file never loads. Reading it is a use that keeps it from collection (progress written before
     * progress was collectable is adopted here).
     */
    public FusionProgress fusionProgress(String digest) throws SafetensorsFormatException, IOException {
        ArtifactDigest address = ArtifactDigest.parse(digest);
        FusionProgress progress = FusionProgress.read(store.getBytes(address));
        store.putRef(progressRef(address), address);
        return progress;
    }

    /**
     * Keeps where a fusion stood, for the next version to resume from, and returns its digest. It is
     * a cache entry (a ref of its own, {@link ArtifactStore#collectRefs}): once no merge has read it
     * for the collection's cut-off, it goes, and a merge on that composite runs every step again.
     */
    public String keepFusionProgress(FusionProgress progress) throws IOException {
        ArtifactDigest address = store.put(progress.write());
        store.putRef(progressRef(address), address);
        return address.toString();
    }

    private static String progressRef(ArtifactDigest progress) {
        return "fusion-progress|" + progress;
    }

    private void copy(String digest, Path target) throws IOException {
        try (InputStream in = store.get(ArtifactDigest.parse(digest))) {
            Files.copy(in, target);
        }
    }

    @FunctionalInterface
    interface InScratch<T, E extends Exception> {
        T apply(Path dir) throws IOException, E;
    }

    /** Runs {@code body} with a fresh scratch folder (ml-core reads adapters from folders) and removes it. */
    static <T, E extends Exception> T inScratch(InScratch<T, E> body) throws IOException, E {
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
