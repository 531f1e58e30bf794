package dev.medforge.ml.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Fashion-MNIST from the gzipped IDX files of the Debian package {@code dataset-fashion-mnist}.
 * The folder is, in order of precedence: the system property {@code medforge.fashion-mnist.dir},
 * the environment variable {@code MEDFORGE_FASHION_MNIST_DIR}, {@code /usr/share/datasets/fashion-mnist}.
 */
public final class FashionMnist {
    public static final String DIR_PROPERTY = "medforge.fashion-mnist.dir";
    public static final String DIR_ENV = "MEDFORGE_FASHION_MNIST_DIR";
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int CLASSES = 10;
    public static final String[] CLASS_NAMES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private static final int IMAGE_MAGIC = 0x00000803;
    private static final int LABEL_MAGIC = 0x00000801;

    /** One split as raw bytes: pixels [n, rows * cols] and labels [n] in 0..9. */
    public record Split(byte[] pixels, byte[] labels, int rows, int cols) {
        public int size() {
            return labels.length;
        }
    }

    private FashionMnist() {
    }

    public static Path directory() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv(DIR_ENV);
        return env != null && !env.isBlank() ? Path.of(env) : DEFAULT_DIR;
    }

    /**
     * The Fashion-MNIST label of each class name, in order, when every name is one of
     * {@link #CLASS_NAMES} (ignoring case and surrounding spaces); empty otherwise.
     */
    public static Optional<List<Integer>> labelsOf(List<String> classNames) {
        List<Integer> labels = new ArrayList<>();
        for (String name : classNames) {
            int label = -1;
            for (int c = 0; c < CLASSES; c++) {
                if (CLASS_NAMES[c].equalsIgnoreCase(name.strip())) {
                    label = c;
                }
            }
            if (label < 0) {
                return Optional.empty();
            }
            labels.add(label);
        }
        return Optional.of(List.copyOf(labels));
    }

    /** The images of one IDX image file ({@code idx3-ubyte}, gzipped or not): pixels [n, rows * cols] as bytes. */
    public static Split readImages(Path imageFile) throws IOException {
        return readImages(imageFile, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} images of one IDX image file, or all when it holds no more. Only those are
     * read: a file cut short after them, or with bytes after its last image, goes unnoticed.
     */
    public static Split readImages(Path imageFile, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        try (DataInputStream in = open(imageFile)) {
            int[] dims = header(imageFile, in, IMAGE_MAGIC, 3);
            long declared = (long) dims[0] * dims[1] * dims[2];
            int n = Math.min(dims[0], limit);
            byte[] pixels = n == dims[0] ? body(imageFile, in, declared) : prefix(imageFile, in, (long) n * dims[1] * dims[2], declared);
            return new Split(pixels, new byte[n], dims[1], dims[2]);
        }
    }

    /** Reads {@code train} or {@code t10k} from the folder. */
    public static Split read(Path dir, String split) throws IOException {
        Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
        Split s = readIdx(images, labels);
        for (byte l : s.labels) {
            if (l < 0 || l >= CLASSES) {
                throw new DatasetFormatException(labels, "label " + l + " outside 0.." + (CLASSES - 1));
            }
        }
        return s;
    }

    static Split readIdx(Path imageFile, Path labelFile) throws IOException {
        int[] imageDims;
        byte[] pixels;
        try (DataInputStream in = open(imageFile)) {
            imageDims = header(imageFile, in, IMAGE_MAGIC, 3);
            pixels = body(imageFile, in, (long) imageDims[0] * imageDims[1] * imageDims[2]);
        }
        byte[] labels;
        try (DataInputStream in = open(labelFile)) {
            int[] dims = header(labelFile, in, LABEL_MAGIC, 1);
            labels = body(labelFile, in, dims[0]);
        }
        if (labels.length != imageDims[0]) {
            throw new DatasetFormatException(labelFile, labels.length + " labels for " + imageDims[0] + " images in " + imageFile.getFileName());
        }
        return new Split(pixels, labels, imageDims[1], imageDims[2]);
    }

    /** Opens an IDX file, gunzipping it when it starts with gzip's magic bytes. */
    private static DataInputStream open(Path file) throws IOException {
        try {
            InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            try {
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                return new DataInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw);
            } catch (IOException e) {
                raw.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, "missing; install the Debian package dataset-fashion-mnist or set "
                    + DIR_ENV + " / -D" + DIR_PROPERTY, e);
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file, "not a readable gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static int[] header(Path file, DataInputStream in, int magic, int rank) throws IOException {
        try {
            int found = in.readInt();
            if (found != magic) {
                throw new DatasetFormatException(file, String.format("IDX magic 0x%08x, expected 0x%08x (an IDX file, gzipped or plain)",
                        found, magic));
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] < 0 || dims[i] > 1_000_000) {
                    throw new DatasetFormatException(file, "implausible dimension " + dims[i]);
                }
            }
            return dims;
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated inside the IDX header", e);
        }
    }

    private static byte[] body(Path file, DataInputStream in, long length) throws IOException {
        byte[] out = prefix(file, in, length, length);
        try {
            if (in.read() != -1) {
                throw new DatasetFormatException(file, "has bytes after the " + length + " declared by its header");
            }
        } catch (EOFException | ZipException e) {
            throw new DatasetFormatException(file, "corrupt gzip trailer (" + e.getMessage() + ")", e);
        }
        return out;
    }

    /** The first {@code length} of the {@code declared} data bytes that follow the header. */
    private static byte[] prefix(Path file, DataInputStream in, long length, long declared) throws IOException {
        if (length > Integer.MAX_VALUE - 8) {
            throw new DatasetFormatException(file, "declares " + declared + " bytes, too many");
        }
        byte[] out = new byte[(int) length];
        try {
            in.readFully(out);
        } catch (EOFException e) {
            throw new DatasetFormatException(file, "truncated: header declares " + declared + " data bytes", e);
        } catch (ZipException e) {
            throw new DatasetFormatException(file, "corrupt gzip stream (" + e.getMessage() + ")", e);
        }
        return out;
    }
}
