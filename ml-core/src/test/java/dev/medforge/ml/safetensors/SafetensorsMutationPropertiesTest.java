package dev.medforge.ml.safetensors;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.*;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutates valid files at random. The only acceptable outcomes are a successful read or the typed
 * exception: any other exception (index, arithmetic, OOM) or a hang fails the property.
 */
class SafetensorsMutationPropertiesTest {

    private static final SafetensorsReader READER = new SafetensorsReader();
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger VALID = new AtomicInteger();
    private static final Map<SafetensorsFormatException.Rule, Integer> RULES = new EnumMap<>(SafetensorsFormatException.Rule.class);

    enum Mutation { FLIP_BYTES, TRUNCATE, EXTEND, HEADER_LENGTH, HEADER_TEXT, SPLICE_NUMBER }

    @Property(tries = 1500)
    void everyMutationEndsInAValidReadOrTheTypedError(
            @ForAll("validFiles") byte[] original, @ForAll Mutation mutation, @ForAll long seed) {
        byte[] mutated = mutate(original, mutation, new Random(seed));
        CASES.incrementAndGet();
        try {
            READER.read(mutated);
            VALID.incrementAndGet();
        } catch (SafetensorsFormatException e) {
            synchronized (RULES) {
                RULES.merge(e.rule(), 1, Integer::sum);
            }
        }
    }

    @Property(tries = 300)
    void unmutatedFilesRoundTrip(@ForAll("validFiles") byte[] file) throws Exception {
        SafetensorsFile f = READER.read(file);
        for (TensorEntry t : f.tensors().values()) {
            long n = 1;
            for (long d : t.shape()) {
                n *= d;
            }
            assertEquals(n, t.dtype().isFloating() ? t.floats().length : t.longs().length);
        }
        CASES.incrementAndGet();
    }

    @AfterContainer
    static void report() {
        System.out.println("[safetensors-properties] cases=" + CASES.get() + " validReads=" + VALID.get() + " rejections=" + RULES);
    }

    @Provide
    Arbitrary<byte[]> validFiles() {
        Arbitrary<float[]> values = Arbitraries.floats().between(-1e6f, 1e6f).array(float[].class).ofMinSize(0).ofMaxSize(24);
        return values.list().ofMinSize(1).ofMaxSize(4).flatMap(list -> Arbitraries.of(true, false).map(withMeta -> build(list, withMeta)));
    }

    private static byte[] build(List<float[]> tensors, boolean withMeta) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (int i = 0; i < tensors.size(); i++) {
            float[] v = tensors.get(i);
            if (i % 2 == 0 && v.length % 2 == 0 && v.length > 0) {
                w.putF32("layer." + i + ".lora_A.weight", v, 2, v.length / 2);
            } else if (i == 3) {
                long[] l = new long[v.length];
                for (int j = 0; j < v.length; j++) {
                    l[j] = (long) v[j];
                }
                w.putI64("labels", l, l.length);
            } else {
                w.putF32("t" + i, v, v.length);
            }
        }
        if (withMeta) {
            w.metadata("format", "pt");
        }
        return w.toBytes();
    }

    static byte[] mutate(byte[] f, Mutation m, Random r) {
        byte[] out;
        switch (m) {
            case FLIP_BYTES -> {
                out = f.clone();
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    out[r.nextInt(out.length)] = (byte) r.nextInt(256);
                }
            }
            case TRUNCATE -> out = java.util.Arrays.copyOf(f, r.nextInt(f.length));
            case EXTEND -> out = java.util.Arrays.copyOf(f, f.length + 1 + r.nextInt(16));
            case HEADER_LENGTH -> {
                out = f.clone();
                long len = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong();
                    case 1 -> headerLength(f) + r.nextInt(33) - 16;
                    case 2 -> Long.MAX_VALUE;
                    default -> (long) r.nextInt(f.length + 8);
                };
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, len);
            }
            case HEADER_TEXT -> out = rewriteHeader(f, mutateJson(header(f), r));
            default -> out = rewriteHeader(f, spliceNumber(header(f), r));
        }
        return out;
    }

    private static long headerLength(byte[] f) {
        return ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    private static String header(byte[] f) {
        return new String(f, 8, (int) headerLength(f), StandardCharsets.UTF_8);
    }

    private static byte[] rewriteHeader(byte[] f, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int dataStart = 8 + (int) headerLength(f);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + f.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(f, dataStart, f.length - dataStart);
        return out.array();
    }

    private static final String[] FRAGMENTS = {"\"F32\"", "\"BF16\"", "\"Q4\"", "[]", "[-1]", "[9999999999999999999999]",
        "1.5", "null", "{}", "\"__metadata__\"", ",", ":", "}", "{", "\"data_offsets\"", "\"shape\"", "0", "[0,0]", "\"x\""};

    private static String mutateJson(String h, Random r) {
        int at = r.nextInt(h.length() + 1);
        int cut = Math.min(h.length(), at + r.nextInt(6));
        return switch (r.nextInt(3)) {
            case 0 -> h.substring(0, at) + FRAGMENTS[r.nextInt(FRAGMENTS.length)] + h.substring(at);
            case 1 -> h.substring(0, at) + h.substring(cut);
            default -> h.substring(0, at) + FRAGMENTS[r.nextInt(FRAGMENTS.length)] + h.substring(cut);
        };
    }

    /** Replaces one number in the header (an offset or a dimension) by a nearby or extreme value. */
    private static String spliceNumber(String h, Random r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\d+").matcher(h);
        java.util.List<int[]> spans = new java.util.ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        if (spans.isEmpty()) {
            return h;
        }
        int[] s = spans.get(r.nextInt(spans.size()));
        long old = Long.parseLong(h.substring(s[0], Math.min(s[1], s[0] + 18)));
        String replacement = switch (r.nextInt(4)) {
            case 0 -> Long.toString(old + r.nextInt(9) - 4);
            case 1 -> Long.toString(old * 2);
            case 2 -> Long.toString(Long.MAX_VALUE);
            default -> Long.toString(r.nextInt(64));
        };
        return h.substring(0, s[0]) + replacement + h.substring(s[1]);
    }
}
