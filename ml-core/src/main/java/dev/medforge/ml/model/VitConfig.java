package dev.medforge.ml.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The architecture JSON of a base model. Everything shape-related derives from it, so a larger
 * config runs on the same code.
 *
 * @param id stable name of the base model family, used in adapter configs as {@code id@sha256:digest}
 * @param mlpRatio hidden width of each block's MLP as a multiple of {@code width}
 */
public record VitConfig(String id, int imageSize, int channels, int patchSize, int width, int depth, int heads, int mlpRatio) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The DESIGN.md base: 28x28, patch 7 (16 tokens plus CLS), width 64, 4 blocks, 4 heads. */
    public static VitConfig fashionDefault() {
        return new VitConfig("medforge/vit-fmnist-tiny", 28, 1, 7, 64, 4, 4, 4);
    }

    public VitConfig {
        if (imageSize % patchSize != 0 || width % heads != 0 || depth < 1) {
            throw new IllegalArgumentException("inconsistent architecture: image " + imageSize + ", patch " + patchSize
                    + ", width " + width + ", heads " + heads + ", depth " + depth);
        }
    }

    public int patchesPerSide() {
        return imageSize / patchSize;
    }

    /** Patch tokens plus the CLS token. */
    public int tokens() {
        return patchesPerSide() * patchesPerSide() + 1;
    }

    public int patchDim() {
        return channels * patchSize * patchSize;
    }

    public int pixels() {
        return channels * imageSize * imageSize;
    }

    public static VitConfig read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), VitConfig.class);
    }

    public void write(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }
}
