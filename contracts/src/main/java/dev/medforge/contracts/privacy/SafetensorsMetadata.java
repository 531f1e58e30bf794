package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The {@code __metadata__} object of a safetensors header: the only free text in the file, so the
 * part of it the PHI scanner reads. This does not validate the file; ml-core's strict reader does.
 */
final class SafetensorsMetadata {

    /** The same cap as ml-core's reader: a longer header is refused there anyway. */
    private static final long HEADER_CAP = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsMetadata() {
    }

    /** The metadata object (a missing node when the header has none), or empty when there is no readable header. */
    static Optional<JsonNode> read(InputStream file) throws IOException {
        byte[] prefix = file.readNBytes(Long.BYTES);
        if (prefix.length < Long.BYTES) {
            return Optional.empty();
        }
        long length = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length <= 0 || length > HEADER_CAP) {
            return Optional.empty();
        }
        byte[] header = file.readNBytes((int) length);
        try {
            JsonNode tree = JSON.readTree(header);
            return tree != null && tree.isObject() ? Optional.of(tree.path("__metadata__")) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }
}
