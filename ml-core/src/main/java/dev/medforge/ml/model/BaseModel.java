package dev.medforge.ml.model;

import ai.djl.ndarray.types.Shape;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Frozen base weights plus their architecture. On disk: {@code model.safetensors} and
 * {@code architecture.json}; the digest is the SHA-256 of the safetensors bytes, so adapters can
 * name exactly the base they were trained on ({@link #reference()}).
 */
public final class BaseModel {
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String ARCHITECTURE_FILE = "architecture.json";

    private final VitConfig config;
    private final Map<String, float[]> weights;
    private final String digest;

    private BaseModel(VitConfig config, Map<String, float[]> weights, String digest) {
        this.config = config;
        this.weights = Collections.unmodifiableMap(weights);
        this.digest = digest;
    }

    /** Builds a model from trained weights; names and sizes must match the architecture. */
    public static BaseModel of(VitConfig config, Map<String, float[]> weights) {
        Map<String, float[]> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : new VisionTransformer(config).parameterShapes().entrySet()) {
            float[] w = weights.get(e.getKey());
            if (w == null || w.length != e.getValue().size()) {
                throw new IllegalArgumentException("weights for " + e.getKey() + " missing or not of shape " + e.getValue());
            }
            ordered.put(e.getKey(), w.clone());
        }
        return new BaseModel(config, ordered, sha256(serialize(config, ordered)));
    }

    /**
     * Fresh weights from a seed: Xavier-uniform matrices, zero biases, unit LayerNorm gains, and
     * small normal embeddings (the usual ViT recipe).
     */
    public static Map<String, float[]> initialWeights(VitConfig config, long seed) {
        Random rnd = new Random(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : new VisionTransformer(config).parameterShapes().entrySet()) {
            String name = e.getKey();
            Shape s = e.getValue();
            float[] v = new float[(int) s.size()];
            if (name.startsWith("embeddings.class") || name.startsWith("embeddings.position")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rnd.nextGaussian() * 0.02);
                }
            } else if (name.contains("layer_norm") || name.contains("layernorm")) {
                Arrays.fill(v, name.endsWith(".weight") ? 1f : 0f);
            } else if (name.endsWith(".weight")) {
                double bound = Math.sqrt(6.0 / (s.get(0) + s.get(1)));
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
                }
            }
            w.put(name, v);
        }
        return w;
    }

    public VitConfig config() {
        return config;
    }

    public Map<String, float[]> weights() {
        return weights;
    }

    public String digest() {
        return digest;
    }

    /** {@code <id>@sha256:<hex>}: what an adapter's {@code base_model_name_or_path} must say. */
    public String reference() {
        return config.id() + "@sha256:" + digest;
    }

    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(WEIGHTS_FILE), serialize(config, weights));
        config.write(dir.resolve(ARCHITECTURE_FILE));
    }

    /** Loads and strictly validates a saved base: every parameter present, shapes as declared. */
    public static BaseModel load(Path dir) throws IOException {
        VitConfig config = VitConfig.read(dir.resolve(ARCHITECTURE_FILE));
        byte[] bytes = Files.readAllBytes(dir.resolve(WEIGHTS_FILE));
        SafetensorsFile file;
        try {
            file = new SafetensorsReader(SafetensorsReader.DEFAULT_HEADER_CAP, Set.of("format", "architecture")).read(bytes);
        } catch (SafetensorsFormatException e) {
            throw new IOException("base model weights in " + dir + " are invalid: " + e.getMessage(), e);
        }
        Map<String, Shape> expected = new VisionTransformer(config).parameterShapes();
        if (!expected.keySet().equals(file.tensors().keySet())) {
            throw new IOException("base model in " + dir + " does not match its architecture: tensors " + file.tensors().keySet());
        }
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            TensorEntry t = file.tensor(e.getKey());
            if (!Arrays.equals(t.shape(), e.getValue().getShape())) {
                throw new IOException(e.getKey() + " has shape " + Arrays.toString(t.shape()) + ", architecture says " + e.getValue());
            }
            w.put(e.getKey(), t.floats());
        }
        return new BaseModel(config, w, sha256(bytes));
    }

    private static byte[] serialize(VitConfig config, Map<String, float[]> weights) {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt").metadata("architecture", config.id());
        Map<String, Shape> shapes = new VisionTransformer(config).parameterShapes();
        weights.forEach((name, v) -> w.putF32(name, v, shapes.get(name).getShape()));
        return w.toBytes();
    }

    public static String sha256(byte[] bytes) {
        return ArtifactDigest.of(bytes).hex();
    }
}
