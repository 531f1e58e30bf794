package dev.medforge.ml.data;

import static org.junit.jupiter.api.Assertions.*;

import dev.medforge.ml.model.VitConfig;
import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** predict --limit N: the first N images in the order given, reading no more of the files than those. */
class ImageFilesTest {

    private static final VitConfig CONFIG = VitConfig.fashionDefault();
    private static final int PIXELS = 28 * 28;

    @TempDir
    Path dir;

    @Test
    void anIdxFileOfMoreImagesGivesExactlyItsFirstN() throws IOException {
        Path idx = dir.resolve("five-idx3-ubyte");
        writeIdx(idx, 5, 5, false);

        ImageFiles all = ImageFiles.read(List.of(idx), CONFIG);
        ImageFiles first = ImageFiles.read(List.of(idx), CONFIG, 3);

        assertEquals(5, all.size());
        assertEquals(List.of("five-idx3-ubyte#0", "five-idx3-ubyte#1", "five-idx3-ubyte#2"), first.names());
        assertArrayEquals(Arrays.copyOf(all.pixels(), 3 * PIXELS), first.pixels());
        // Each image is one grey level of its own, so a wrong offset would not go unseen.
        assertNotEquals(first.pixels()[PIXELS], first.pixels()[2 * PIXELS]);
        assertEquals(5, ImageFiles.read(List.of(idx), CONFIG, 9).size(), "a limit past the end gives every image");
    }

    @Test
    void theLimitRunsAcrossFilesInTheOrderGivenAndLaterFilesAreNotOpened() throws IOException {
        Path png = dir.resolve("shirt.png");
        ImageIO.write(new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        Path idx = dir.resolve("four-idx3-ubyte.gz");
        writeIdx(idx, 4, 4, true);
        Path missing = dir.resolve("missing.png");

        ImageFiles first = ImageFiles.read(List.of(png, idx, missing), CONFIG, 3);

        assertEquals(List.of("shirt.png", "four-idx3-ubyte.gz#0", "four-idx3-ubyte.gz#1"), first.names());
        assertArrayEquals(Arrays.copyOf(ImageFiles.read(List.of(png, idx), CONFIG).pixels(), 3 * PIXELS), first.pixels());
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ImageFiles.read(List.of(png, idx, missing), CONFIG, 6));
        assertTrue(e.getMessage().contains("missing.png") && e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void aTruncatedIdxFileIsStillNamedAsTruncatedWhenTheLimitReachesTheMissingImages() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path idx = dir.resolve(gzip ? "cut-idx3-ubyte.gz" : "cut-idx3-ubyte");
            writeIdx(idx, 5, 3, gzip);

            assertEquals(2, ImageFiles.read(List.of(idx), CONFIG, 2).size(), "the images before the cut are whole");
            for (int limit : new int[] {4, Integer.MAX_VALUE}) {
                DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> ImageFiles.read(List.of(idx), CONFIG, limit));
                assertTrue(e.getMessage().contains(idx.getFileName().toString())
                        && e.getMessage().contains("truncated: header declares " + 5 * PIXELS + " data bytes"), e.getMessage());
            }
        }
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ImageFiles.read(List.of(dir.resolve("any")), CONFIG, 0));
        assertThrows(IllegalArgumentException.class, () -> FashionMnist.readImages(dir.resolve("any"), 0));
    }

    /** An IDX header for {@code declared} 28 x 28 images followed by {@code written} of them, image i all of grey level 40 i. */
    private static void writeIdx(Path file, int declared, int written, boolean gzip) throws IOException {
        OutputStream raw = Files.newOutputStream(file);
        try (DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw)) {
            out.writeInt(0x803);
            out.writeInt(declared);
            out.writeInt(28);
            out.writeInt(28);
            for (int i = 0; i < written; i++) {
                byte[] image = new byte[PIXELS];
                Arrays.fill(image, (byte) (40 * i));
                out.write(image);
            }
        }
    }
}
