package dev.medforge.ml.distill;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.safetensors.SafetensorsFile;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import dev.medforge.ml.safetensors.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code distilled.safetensors}: {@code images} [N, 1, 28, 28] F32 and {@code labels} [N] I64. */
public final class DistilledSetIO {
    public static final String FILE = "distilled.safetensors";

    private DistilledSetIO() {
    }

    public static void write(LabeledImages set, Path file) throws IOException {
        long[] labels = Arrays.stream(set.labels()).asLongStream().toArray();
        new SafetensorsWriter()
                .putF32("images", set.pixels(), set.size(), 1, set.height(), set.width())
                .putI64("labels", labels, set.size())
                .write(file);
    }

    /**
     * Reads and checks a distilled set for a task with {@code classes} classes: exactly the two
     * tensors, matching N, image size 28x28, labels in range.
     */
    public static LabeledImages read(Path file, int classes, int height, int width) throws SafetensorsFormatException, IOException {
        SafetensorsFile f = new SafetensorsReader().read(file);
        if (!f.tensors().keySet().equals(java.util.Set.of("images", "labels"))) {
            throw new IOException(file + ": a distilled set holds exactly 'images' and 'labels', found " + f.tensors().keySet());
        }
        TensorEntry images = f.tensor("images");
        TensorEntry labels = f.tensor("labels");
        long[] s = images.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != height || s[3] != width || !Arrays.equals(labels.shape(), new long[] {s[0]})) {
            throw new IOException(file + ": images " + Arrays.toString(s) + " and labels " + Arrays.toString(labels.shape())
                    + " must be [N, 1, " + height + ", " + width + "] and [N]");
        }
        long[] y = labels.longs();
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= classes) {
                throw new IOException(file + ": label " + y[i] + " at " + i + " outside 0.." + (classes - 1));
            }
            out[i] = (int) y[i];
        }
        return new LabeledImages(images.floats(), out, classes, height, width);
    }
}
