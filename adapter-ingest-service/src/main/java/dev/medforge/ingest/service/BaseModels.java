package dev.medforge.ingest.service;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.ml.model.BaseModel;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base models by digest, loaded once from the artifact store. A branch's base never changes, and
 * a loaded base is a few hundred kilobytes, so keeping every one seen is cheaper than reloading.
 */
@ApplicationScoped
public class BaseModels {

    private final ArtifactStore store;
    private final Map<String, BaseModel> loaded = new ConcurrentHashMap<>();

    BaseModels(ArtifactStore store) {
        this.store = store;
    }

    public BaseModel get(String digest, String architectureJson) {
        return loaded.computeIfAbsent(digest, d -> load(d, architectureJson));
    }

    private BaseModel load(String digest, String architectureJson) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("base-");
            try (InputStream weights = store.get(ArtifactDigest.parse(digest))) {
                Files.copy(weights, dir.resolve(BaseModel.WEIGHTS_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(dir.resolve(BaseModel.ARCHITECTURE_FILE), architectureJson);
            BaseModel base = BaseModel.load(dir);
            if (!ArtifactDigest.parse(digest).hex().equals(base.digest())) {
                throw new IllegalStateException("base model weights hash to " + base.digest() + ", registered as " + digest);
            }
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load base model " + digest + " from the artifact store", e);
        } finally {
            TempFiles.deleteTree(dir);
        }
    }
}
