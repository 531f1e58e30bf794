package dev.medforge.ml.safetensors;

import static dev.medforge.ml.safetensors.SafetensorsFormatException.Rule.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SafetensorsReaderTest {

    static final Path PEFT = Path.of(System.getProperty("medforge.testdata", "../../shared/testdata"),
            "peft-distilbert-emotion", "adapter_model.safetensors");

    private final SafetensorsReader reader = new SafetensorsReader();

    /** A file with a hand-written header, so each rule can be broken on purpose. */
    static byte[] raw(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    private SafetensorsFormatException.Rule ruleOf(byte[] file) {
        return assertThrows(SafetensorsFormatException.class, () -> reader.read(file)).rule();
    }

    @Test
    void readsTheRealPeftAdapter() throws Exception {
        SafetensorsFile f = reader.read(PEFT);
        assertEquals(28, f.tensors().size());
        assertEquals("pt", f.metadata().get("format"));
        String q0 = "base_model.model.distilbert.transformer.layer.0.attention.q_lin.lora_A.weight";
        assertArrayEquals(new long[] {8, 768}, f.tensor(q0).shape());
        assertArrayEquals(new long[] {768, 8},
                f.tensor("base_model.model.distilbert.transformer.layer.5.attention.v_lin.lora_B.weight").shape());
        assertArrayEquals(new long[] {6, 768}, f.tensor("base_model.model.classifier.weight").shape());
        long loraTensors = f.tensors().keySet().stream().filter(k -> k.contains(".lora_")).count();
        assertEquals(24, loraTensors);
        // Sums computed independently with numpy (float64 accumulation) from the same file.
        assertEquals(2.588837176242805, sum(f.tensor(q0).floats()), 1e-4);
        assertEquals(-20.886763238148433, sum(f.tensor("base_model.model.classifier.weight").floats()), 1e-3);
        assertEquals(-73.37138393483549, sum(f.tensor("base_model.model.pre_classifier.weight").floats()), 1e-2);
        assertEquals(2.034886024131083,
                sum(f.tensor("base_model.model.distilbert.transformer.layer.2.attention.v_lin.lora_B.weight").floats()), 1e-4);
    }

    static double sum(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void writerPadsHeaderAndRoundTripsWithMetadata() throws Exception {
        byte[] file = new SafetensorsWriter()
                .putF32("a", new float[] {1f, -2.5f, 3f, 0f, 7f, 8f}, 2, 3)
                .putI64("labels", new long[] {4, 0, 9}, 3)
                .metadata("format", "pt")
                .toBytes();
        long headerLen = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLen) % 8);
        SafetensorsFile f = reader.read(file);
        assertArrayEquals(new float[] {1f, -2.5f, 3f, 0f, 7f, 8f}, f.tensor("a").floats());
        assertArrayEquals(new long[] {2, 3}, f.tensor("a").shape());
        assertArrayEquals(new long[] {4, 0, 9}, f.tensor("labels").longs());
        assertEquals("pt", f.metadata().get("format"));
    }

    @Test
    void decodesHalfAndBfloat16ToFloat32() throws Exception {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, smallest subnormal = 0x0001
        byte[] f16 = {0x00, 0x3C, 0x00, (byte) 0xC0, (byte) 0xFF, 0x7B, 0x01, 0x00};
        // BF16: 1.0 = 0x3F80, -0.5 = 0xBF00, 3.140625 = 0x4049
        byte[] bf16 = {(byte) 0x80, 0x3F, 0x00, (byte) 0xBF, 0x49, 0x40};
        byte[] data = new byte[14];
        System.arraycopy(f16, 0, data, 0, 8);
        System.arraycopy(bf16, 0, data, 8, 6);
        SafetensorsFile f = reader.read(raw("{\"h\":{\"dtype\":\"F16\",\"shape\":[4],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}}", data));
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f}, f.tensor("h").floats());
        assertArrayEquals(new float[] {1f, -0.5f, 3.140625f}, f.tensor("b").floats());
    }

    @Test
    void rejectsEachRuleByName() {
        byte[] eight = new byte[8];
        assertEquals(HEADER_TOO_SHORT, ruleOf(new byte[5]));
        byte[] huge = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array();
        assertEquals(HEADER_TOO_LARGE, ruleOf(huge));
        byte[] past = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(100).array();
        assertEquals(HEADER_BEYOND_FILE, ruleOf(past));
        assertEquals(INVALID_JSON, ruleOf(raw("{\"a\":", eight)));
        assertEquals(INVALID_JSON, ruleOf(raw("[1,2]", eight)));
        String t = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertEquals(DUPLICATE_KEY, ruleOf(raw("{\"a\":" + t + ",\"a\":" + t + "}", eight)));
        SafetensorsFormatException dtype = assertThrows(SafetensorsFormatException.class,
                () -> reader.read(raw("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}", eight)));
        assertEquals(UNKNOWN_DTYPE, dtype.rule());
        assertEquals("w", dtype.tensor());
        assertEquals(SHAPE_MISMATCH, ruleOf(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight)));
        assertEquals(INVALID_SHAPE, ruleOf(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight)));
        assertEquals(OFFSETS_OUT_OF_BOUNDS, ruleOf(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", eight)));
        assertEquals(OFFSETS_OVERLAP, ruleOf(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight)));
        assertEquals(OFFSETS_GAP, ruleOf(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight)));
        assertEquals(OFFSETS_GAP, ruleOf(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight)));
        byte[] nan = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(Float.NaN).array();
        SafetensorsFormatException nf = assertThrows(SafetensorsFormatException.class, () -> reader.read(raw(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", nan)));
        assertEquals(NON_FINITE, nf.rule());
        assertEquals("x", nf.tensor());
        byte[] inf16 = {0x00, 0x7C};
        assertEquals(NON_FINITE, ruleOf(raw("{\"x\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", inf16)));
        SafetensorsFormatException meta = assertThrows(SafetensorsFormatException.class, () -> reader.read(raw(
                "{\"__metadata__\":{\"patient\":\"Jane Doe\"},\"a\":" + t + "}", eight)));
        assertEquals(METADATA_NOT_ALLOWED, meta.rule());
        assertEquals("patient", meta.tensor());
        assertEquals(INVALID_ENTRY, ruleOf(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight)));
    }

    @Test
    void metadataAllowListIsConfigurable() throws Exception {
        byte[] file = new SafetensorsWriter().putF32("a", new float[] {1f}, 1).metadata("medforge.task", "tops").toBytes();
        assertEquals(METADATA_NOT_ALLOWED, ruleOf(file));
        SafetensorsFile f = new SafetensorsReader(SafetensorsReader.DEFAULT_HEADER_CAP, Set.of("medforge.task")).read(file);
        assertEquals("tops", f.metadata().get("medforge.task"));
    }

    @Test
    void headerCapAppliesBeforeParsing() {
        byte[] file = new SafetensorsWriter().putF32("a", new float[] {1f}, 1).toBytes();
        SafetensorsReader tight = new SafetensorsReader(16, Set.of());
        assertEquals(HEADER_TOO_LARGE, assertThrows(SafetensorsFormatException.class, () -> tight.read(file)).rule());
    }
}
