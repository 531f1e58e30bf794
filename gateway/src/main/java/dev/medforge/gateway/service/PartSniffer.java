package dev.medforge.gateway.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.events.SubmissionPart;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A cheap first look at each part, so that an obviously wrong upload is refused at the door and
 * never reaches Kafka. It is not the validation: ingest's strict safetensors parser still runs.
 */
final class PartSniffer {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int SAFETENSORS_PREFIX = 8;

    private PartSniffer() {
    }

    /** The broken rule, if any. */
    static Optional<FieldError> check(SubmissionPart part, Path file) throws IOException {
        return switch (part.format()) {
            case JSON_OBJECT -> jsonObject(part, file);
            case SAFETENSORS -> safetensors(part, file);
        };
    }

    // Parses through to the end without building a tree: a syntax error anywhere counts, memory stays flat.
    private static Optional<FieldError> jsonObject(SubmissionPart part, Path file) throws IOException {
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return error(part, "NOT_JSON_OBJECT", "must be a JSON object");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return error(part, "NOT_JSON_OBJECT", "has content after the JSON object");
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return error(part, "NOT_JSON_OBJECT", "is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** Safetensors starts with the header length as a little-endian u64, then the JSON header itself. */
    private static Optional<FieldError> safetensors(SubmissionPart part, Path file) throws IOException {
        long size = Files.size(file);
        byte[] head = new byte[SAFETENSORS_PREFIX + 1];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                return error(part, "NOT_SAFETENSORS", "is too short to be safetensors (" + size + " bytes)");
            }
        }
        long headerLength = ByteBuffer.wrap(head, 0, SAFETENSORS_PREFIX).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength <= 0 || headerLength > size - SAFETENSORS_PREFIX) {
            return error(part, "NOT_SAFETENSORS", "declares a header of " + Long.toUnsignedString(headerLength)
                    + " bytes in a file of " + size + " bytes");
        }
        if (head[SAFETENSORS_PREFIX] != '{') {
            return error(part, "NOT_SAFETENSORS", "has no JSON header after its length prefix");
        }
        return Optional.empty();
    }

    private static Optional<FieldError> error(SubmissionPart part, String code, String message) {
        return Optional.of(new FieldError(code, part.partName(), part.partName() + " " + message));
    }
}
