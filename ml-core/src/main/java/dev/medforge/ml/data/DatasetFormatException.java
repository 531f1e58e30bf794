package dev.medforge.ml.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file is missing, truncated or not what its header claims; the message names the file. */
public final class DatasetFormatException extends IOException {
    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public DatasetFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
