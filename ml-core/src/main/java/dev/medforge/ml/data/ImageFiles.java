package dev.medforge.ml.data;

import dev.medforge.ml.model.VitConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Images a user hands to a model: PNG files (one image each) and IDX image files (many), scaled as
 * the base's architecture file says ({@link VitConfig.Conventions.Preprocessing}).
 *
 * @param names one per image: the file name, with {@code #i} for the i-th image of an IDX file
 * @param pixels [n, C*H*W] row-major, scaled
 */
public record ImageFiles(List<String> names, float[] pixels) {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    public int size() {
        return names.size();
    }

    /** Reads every file in order; each image must be grayscale-convertible and exactly the base's size. */
    public static ImageFiles read(List<Path> files, VitConfig config) throws IOException {
        return read(files, config, Integer.MAX_VALUE);
    }

    /**
     * The first {@code limit} images of the files in order, as {@link #read(List, VitConfig)} reads
     * them; files and IDX records after those are not read, nor checked.
     */
    public static ImageFiles read(List<Path> files, VitConfig config, int limit) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        if (config.channels() != 1) {
            throw new IllegalArgumentException("image files are read as grayscale; " + config.id() + " has " + config.channels() + " channels");
        }
        VitConfig.Conventions.Preprocessing prep = config.conventions().preprocessing();
        List<String> names = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        for (Path file : files) {
            if (images.size() == limit) {
                break;
            }
            if (isPng(file)) {
                images.add(png(file, config.imageSize()));
                names.add(file.getFileName().toString());
            } else {
                FashionMnist.Split idx = FashionMnist.readImages(file, limit - images.size());
                if (idx.rows() != config.imageSize() || idx.cols() != config.imageSize()) {
                    throw new DatasetFormatException(file, "images are " + idx.rows() + "x" + idx.cols() + ", the model takes "
                            + config.imageSize() + "x" + config.imageSize());
                }
                int d = config.pixels();
                for (int i = 0; i < idx.size(); i++) {
                    images.add(Arrays.copyOfRange(idx.pixels(), i * d, (i + 1) * d));
                    names.add(file.getFileName() + "#" + i);
                }
            }
        }
        float[] pixels = new float[images.size() * config.pixels()];
        for (int i = 0; i < images.size(); i++) {
            byte[] image = images.get(i);
            for (int p = 0; p < image.length; p++) {
                pixels[i * image.length + p] = (float) (((image[p] & 0xff) * prep.scale() - prep.mean().get(0)) / prep.std().get(0));
            }
        }
        return new ImageFiles(List.copyOf(names), pixels);
    }

    private static boolean isPng(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(PNG_MAGIC.length), PNG_MAGIC);
        } catch (NoSuchFileException e) {
            throw new DatasetFormatException(file, "no such file", e);
        }
    }

    /** A PNG as 8-bit luminance; colour images are converted the way Java 2D converts to gray. */
    private static byte[] png(Path file, int size) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new DatasetFormatException(file, "not a readable PNG image");
        }
        if (image.getWidth() != size || image.getHeight() != size) {
            throw new DatasetFormatException(file, "is " + image.getWidth() + "x" + image.getHeight() + ", the model takes " + size + "x" + size);
        }
        BufferedImage gray = image;
        if (image.getType() != BufferedImage.TYPE_BYTE_GRAY) {
            gray = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
            gray.getGraphics().drawImage(image, 0, 0, null);
        }
        byte[] out = new byte[size * size];
        gray.getRaster().getDataElements(0, 0, size, size, out);
        return out;
    }
}
