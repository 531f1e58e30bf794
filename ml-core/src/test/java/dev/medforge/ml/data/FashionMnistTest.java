package dev.medforge.ml.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void readsTheInstalledSplits() throws IOException {
        FashionMnist.Split train = FashionMnist.read(FashionMnist.directory(), "train");
        FashionMnist.Split test = FashionMnist.read(FashionMnist.directory(), "t10k");
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        assertEquals(28, train.rows());
        assertEquals(60000L * 784, train.pixels().length);
        int[] perClass = new int[10];
        for (byte l : test.labels()) {
            perClass[l]++;
        }
        assertArrayEquals(new int[] {1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, perClass);
    }

    @Test
    void readsASmallWellFormedPair() throws IOException {
        writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, 3, 2, 2, 12);
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 3, new byte[] {0, 9, 4});
        FashionMnist.Split s = FashionMnist.read(dir, "train");
        assertEquals(3, s.size());
        assertEquals(2, s.cols());
        assertEquals(11, s.pixels()[11]);
    }

    @Test
    void truncatedImagesAreNamedAsTruncated() throws IOException {
        writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, 3, 2, 2, 7);
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 3, new byte[] {0, 1, 2});
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
    }

    @Test
    void truncatedGzipStreamIsReported() throws IOException {
        writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, 50, 8, 8, 50 * 64);
        byte[] whole = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte.gz"));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), java.util.Arrays.copyOf(whole, whole.length / 2));
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 50, new byte[50]);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train"));
        assertTrue(e.getMessage().contains("train-images"), e.getMessage());
    }

    @Test
    void wrongMagicNeitherIdxNorGzipAndMissingFilesAreClear() throws IOException {
        writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 0x801, 1, 2, 2, 4);
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 1, new byte[] {1});
        assertTrue(assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train"))
                .getMessage().contains("magic"));
        Files.writeString(dir.resolve("train-images-idx3-ubyte.gz"), "not gzip at all");
        assertTrue(assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train"))
                .getMessage().contains("an IDX file, gzipped or plain"));
        assertTrue(assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "t10k"))
                .getMessage().contains("dataset-fashion-mnist"));
    }

    @Test
    void labelsOutOfRangeOrMiscountedAreRejected() throws IOException {
        writeImages(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, 2, 2, 2, 8);
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 2, new byte[] {3, 12});
        assertTrue(assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train")).getMessage().contains("label 12"));
        writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), 1, new byte[] {3});
        assertTrue(assertThrows(DatasetFormatException.class, () -> FashionMnist.read(dir, "train")).getMessage().contains("1 labels for 2 images"));
    }

    /** Writes an IDX3 header for count x rows x cols but only {@code bytes} pixel bytes. */
    static void writeImages(Path file, int magic, int count, int rows, int cols, int bytes) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(magic);
        out.writeInt(count);
        out.writeInt(rows);
        out.writeInt(cols);
        for (int i = 0; i < bytes; i++) {
            out.writeByte(i);
        }
        gzip(file, raw.toByteArray());
    }

    static void writeLabels(Path file, int count, byte[] labels) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(raw);
        out.writeInt(0x801);
        out.writeInt(count);
        out.write(labels);
        gzip(file, raw.toByteArray());
    }

    private static void gzip(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
    }
}
