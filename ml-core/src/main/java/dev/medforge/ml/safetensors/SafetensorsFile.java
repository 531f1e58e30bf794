package dev.medforge.ml.safetensors;

import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;

/** The validated content of a safetensors file: tensors in file order and the metadata strings. */
public final class SafetensorsFile {
    private final Map<String, TensorEntry> tensors;
    private final Map<String, String> metadata;

    SafetensorsFile(Map<String, TensorEntry> tensors, Map<String, String> metadata) {
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    public Map<String, TensorEntry> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorEntry tensor(String name) {
        TensorEntry t = tensors.get(name);
        if (t == null) {
            throw new NoSuchElementException("no tensor named " + name);
        }
        return t;
    }
}
