package dev.medforge.ml.safetensors;

import static dev.medforge.ml.safetensors.SafetensorsFormatException.Rule.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A strict safetensors reader for untrusted input. Every structural rule is checked against the
 * header and the file length before any tensor buffer is allocated, so a hostile header cannot
 * make us allocate gigabytes or read out of bounds. Values are then checked to be finite.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class SafetensorsReader {

    /** Metadata keys that carry no free text: PEFT and torch write {@code format}. */
    public static final Set<String> DEFAULT_METADATA_KEYS = Set.of("format");
    public static final long DEFAULT_HEADER_CAP = 1L << 20;

    private static final String METADATA = "__metadata__";

    private final long headerCap;
    private final Set<String> allowedMetadataKeys;
    private final ObjectMapper mapper;

    public SafetensorsReader() {
        this(DEFAULT_HEADER_CAP, DEFAULT_METADATA_KEYS);
    }

    public SafetensorsReader(long headerCap, Set<String> allowedMetadataKeys) {
        this.headerCap = headerCap;
        this.allowedMetadataKeys = Set.copyOf(allowedMetadataKeys);
        JsonFactory factory = JsonFactory.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    public SafetensorsFile read(Path path) throws SafetensorsFormatException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(new ChannelSource(ch));
        } catch (IOException e) {
            throw new SafetensorsFormatException(IO_ERROR, null, "cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    public SafetensorsFile read(byte[] file) throws SafetensorsFormatException {
        try {
            return read(new ArraySource(file));
        } catch (IOException e) {
            throw new IllegalStateException("in-memory source cannot fail", e);
        }
    }

    private SafetensorsFile read(Source src) throws IOException, SafetensorsFormatException {
        long size = src.size();
        if (size < 8) {
            throw new SafetensorsFormatException(HEADER_TOO_SHORT, null, "file has " + size + " bytes, fewer than the 8-byte header length");
        }
        long headerLen = ByteBuffer.wrap(src.read(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLen < 0 || headerLen > headerCap) {
            throw new SafetensorsFormatException(HEADER_TOO_LARGE, null,
                    "header length " + Long.toUnsignedString(headerLen) + " exceeds the cap of " + headerCap + " bytes");
        }
        if (headerLen > size - 8) {
            throw new SafetensorsFormatException(HEADER_BEYOND_FILE, null,
                    "header length " + headerLen + " runs past the end of a " + size + "-byte file");
        }
        JsonNode header = parseHeader(src.read(8, (int) headerLen));
        long dataLen = size - 8 - headerLen;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Layout> layouts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (METADATA.equals(field.getKey())) {
                readMetadata(field.getValue(), metadata);
            } else {
                layouts.add(layout(field.getKey(), field.getValue(), dataLen));
            }
        }
        checkTiling(layouts, dataLen);

        Map<String, TensorEntry> tensors = new LinkedHashMap<>();
        long dataStart = 8 + headerLen;
        for (Layout l : layouts) {
            byte[] bytes = src.read(dataStart + l.begin, (int) (l.end - l.begin));
            checkFinite(l, bytes);
            tensors.put(l.name, new TensorEntry(l.name, l.dtype, l.shape, bytes));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private JsonNode parseHeader(byte[] raw) throws SafetensorsFormatException {
        JsonNode node;
        try (JsonParser parser = mapper.createParser(raw)) {
            node = mapper.readTree(parser);
            if (node != null && parser.nextToken() != null) {
                throw new SafetensorsFormatException(INVALID_JSON, null, "trailing content after the header object");
            }
        } catch (JsonProcessingException e) {
            boolean duplicate = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field");
            throw new SafetensorsFormatException(duplicate ? DUPLICATE_KEY : INVALID_JSON, null,
                    "header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SafetensorsFormatException(INVALID_JSON, null, "header is not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new SafetensorsFormatException(INVALID_JSON, null, "header must be a JSON object");
        }
        return node;
    }

    private void readMetadata(JsonNode node, Map<String, String> into) throws SafetensorsFormatException {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(INVALID_ENTRY, METADATA, "__metadata__ must be an object of strings");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!allowedMetadataKeys.contains(e.getKey())) {
                throw new SafetensorsFormatException(METADATA_NOT_ALLOWED, e.getKey(),
                        "metadata key is not on the allow-list " + allowedMetadataKeys);
            }
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(INVALID_ENTRY, e.getKey(), "metadata values must be strings");
            }
            into.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static Layout layout(String name, JsonNode node, long dataLen) throws SafetensorsFormatException {
        if (!node.isObject() || node.size() != 3 || !node.has("dtype") || !node.has("shape") || !node.has("data_offsets")) {
            throw new SafetensorsFormatException(INVALID_ENTRY, name, "entry must have exactly dtype, shape and data_offsets");
        }
        JsonNode dtypeNode = node.get("dtype");
        DType dtype = dtypeNode.isTextual() ? DType.parse(dtypeNode.textValue()).orElse(null) : null;
        if (dtype == null) {
            throw new SafetensorsFormatException(UNKNOWN_DTYPE, name, "dtype " + dtypeNode + " is not one of F32, F16, BF16, I64, I32, U8");
        }
        JsonNode shapeNode = node.get("shape");
        if (!shapeNode.isArray()) {
            throw new SafetensorsFormatException(INVALID_SHAPE, name, "shape must be an array");
        }
        long[] shape = new long[shapeNode.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
                throw new SafetensorsFormatException(INVALID_SHAPE, name, "dimension " + i + " is " + d + ", not a non-negative integer");
            }
            shape[i] = d.longValue();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException e) {
                throw new SafetensorsFormatException(SHAPE_MISMATCH, name, "element count overflows");
            }
        }
        JsonNode offsets = node.get("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2) {
            throw new SafetensorsFormatException(INVALID_ENTRY, name, "data_offsets must be [begin, end]");
        }
        for (JsonNode o : offsets) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new SafetensorsFormatException(OFFSETS_OUT_OF_BOUNDS, name, "offset " + o + " is not a non-negative integer");
            }
        }
        long begin = offsets.get(0).longValue();
        long end = offsets.get(1).longValue();
        if (begin > end || end > dataLen) {
            throw new SafetensorsFormatException(OFFSETS_OUT_OF_BOUNDS, name,
                    "data_offsets [" + begin + ", " + end + "] outside the " + dataLen + "-byte data section");
        }
        if (end - begin > Integer.MAX_VALUE - 8) {
            throw new SafetensorsFormatException(INVALID_SHAPE, name, "tensors over 2 GiB are not accepted");
        }
        long expected;
        try {
            expected = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(SHAPE_MISMATCH, name, "byte size overflows");
        }
        if (expected != end - begin) {
            throw new SafetensorsFormatException(SHAPE_MISMATCH, name,
                    "shape and dtype need " + expected + " bytes but data_offsets span " + (end - begin));
        }
        return new Layout(name, dtype, shape, begin, end);
    }

    private static void checkTiling(List<Layout> layouts, long dataLen) throws SafetensorsFormatException {
        layouts.sort(Comparator.comparingLong((Layout l) -> l.begin).thenComparingLong(l -> l.end));
        long cursor = 0;
        for (Layout l : layouts) {
            if (l.begin < cursor) {
                throw new SafetensorsFormatException(OFFSETS_OVERLAP, l.name, "starts at " + l.begin + ", inside the previous tensor ending at " + cursor);
            }
            if (l.begin > cursor) {
                throw new SafetensorsFormatException(OFFSETS_GAP, l.name, "leaves unreferenced bytes [" + cursor + ", " + l.begin + ")");
            }
            cursor = l.end;
        }
        if (cursor != dataLen) {
            throw new SafetensorsFormatException(OFFSETS_GAP, null, "bytes [" + cursor + ", " + dataLen + ") after the last tensor are unreferenced");
        }
    }

    private static void checkFinite(Layout l, byte[] b) throws SafetensorsFormatException {
        switch (l.dtype) {
            case F32 -> {
                for (int i = 0; i < b.length; i += 4) {
                    if (((b[i + 3] & 0x7f) == 0x7f) && ((b[i + 2] & 0x80) != 0)) {
                        throw nonFinite(l, i / 4);
                    }
                }
            }
            case F16 -> {
                for (int i = 0; i < b.length; i += 2) {
                    if ((b[i + 1] & 0x7c) == 0x7c) {
                        throw nonFinite(l, i / 2);
                    }
                }
            }
            case BF16 -> {
                for (int i = 0; i < b.length; i += 2) {
                    if (((b[i + 1] & 0x7f) == 0x7f) && ((b[i] & 0x80) != 0)) {
                        throw nonFinite(l, i / 2);
                    }
                }
            }
            default -> { }
        }
    }

    private static SafetensorsFormatException nonFinite(Layout l, int index) {
        return new SafetensorsFormatException(NON_FINITE, l.name, "element " + index + " is NaN or infinite");
    }

    private record Layout(String name, DType dtype, long[] shape, long begin, long end) { }

    private interface Source {
        long size() throws IOException;

        byte[] read(long position, int length) throws IOException;
    }

    private record ArraySource(byte[] file) implements Source {
        public long size() {
            return file.length;
        }

        public byte[] read(long position, int length) {
            byte[] out = new byte[length];
            System.arraycopy(file, (int) position, out, 0, length);
            return out;
        }
    }

    private record ChannelSource(FileChannel ch) implements Source {
        public long size() throws IOException {
            return ch.size();
        }

        public byte[] read(long position, int length) throws IOException {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, position + buf.position()) < 0) {
                    throw new IOException("file shrank while being read");
                }
            }
            return buf.array();
        }
    }
}
