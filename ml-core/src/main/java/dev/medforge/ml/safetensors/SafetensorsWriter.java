package dev.medforge.ml.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files: F32 and I64 tensors in insertion order, optional {@code __metadata__},
 * header padded with spaces so the data section starts 8-byte aligned (as the reference
 * implementation does, which lets readers map tensors without copying).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Pending(String name, DType dtype, long[] shape, byte[] bytes) { }

    private final List<Pending> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter putF32(String name, float[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return add(new Pending(name, DType.F32, shape.clone(), buf.array()));
    }

    public SafetensorsWriter putI64(String name, long[] values, long... shape) {
        checkCount(name, values.length, shape);
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return add(new Pending(name, DType.I64, shape.clone(), buf.array()));
    }

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private SafetensorsWriter add(Pending p) {
        if (tensors.stream().anyMatch(t -> t.name.equals(p.name)) || "__metadata__".equals(p.name)) {
            throw new IllegalArgumentException("duplicate or reserved tensor name " + p.name);
        }
        tensors.add(p);
        return this;
    }

    private static void checkCount(String name, int count, long[] shape) {
        long product = 1;
        for (long d : shape) {
            product *= d;
        }
        if (product != count) {
            throw new IllegalArgumentException(name + ": " + count + " values do not fill shape " + java.util.Arrays.toString(shape));
        }
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public void write(Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            writeTo(out);
        }
    }

    public void writeTo(OutputStream out) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Pending p : tensors) {
            ObjectNode entry = header.putObject(p.name);
            entry.put("dtype", p.dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : p.shape) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + p.bytes.length);
            offset += p.bytes.length;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        java.util.Arrays.fill(headerBytes, json.length, padded, (byte) ' ');
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
        out.write(headerBytes);
        for (Pending p : tensors) {
            out.write(p.bytes);
        }
    }

}
