package dev.medforge.contracts.privacy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code __metadata__} object of a safetensors header: the only free text in the file, so the
 * part of it the PHI scanner reads. This does not validate the file; ml-core's strict reader does,
 * and a header it cannot find here is simply nothing to scan.
 */
final class SafetensorsMetadata {

    /** The same cap as ml-core's reader: a longer header is refused there anyway. */
    private static final long HEADER_CAP = 1L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsMetadata() {
    }

    /** The metadata object, or a missing node when the file has none or no readable header. */
    static JsonNode read(InputStream file) throws IOException {
        byte[] prefix = file.readNBytes(Long.BYTES);
        if (prefix.length < Long.BYTES) {
            return MissingNode.getInstance();
        }
        long length = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (length <= 0 || length > HEADER_CAP) {
            return MissingNode.getInstance();
        }
        byte[] header = file.readNBytes((int) length);
        try {
            return JSON.readTree(header).path("__metadata__");
        } catch (JacksonException e) {
            return MissingNode.getInstance();
        }
    }
}
