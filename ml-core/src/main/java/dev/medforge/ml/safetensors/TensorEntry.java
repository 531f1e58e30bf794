package dev.medforge.ml.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One validated tensor: its dtype, shape and little-endian bytes. Values are decoded on demand so
 * a caller that only checks names and shapes never pays for conversion.
 */
public final class TensorEntry {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final byte[] bytes;

    TensorEntry(String name, DType dtype, long[] shape, byte[] bytes) {
        this.name = name;
        this.dtype = dtype;
        this.shape = shape;
        this.bytes = bytes;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int elementCount() {
        return bytes.length / dtype.bytes();
    }

    /** Values as F32; F16 and BF16 are widened here because DJL aborts on BF16 arrays. */
    public float[] floats() {
        if (!dtype.isFloating()) {
            throw new IllegalStateException(name + " is " + dtype + ", not a floating tensor");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case F32 -> buf.getFloat();
                case F16 -> halfToFloat(buf.getShort());
                case BF16 -> Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
                default -> throw new IllegalStateException();
            };
        }
        return out;
    }

    /** Values of an integer tensor, widened to long. */
    public long[] longs() {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long[] out = new long[elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case I64 -> buf.getLong();
                case I32 -> buf.getInt();
                case U8 -> buf.get() & 0xff;
                default -> throw new IllegalStateException(name + " is " + dtype + ", not an integer tensor");
            };
        }
        return out;
    }

    /** IEEE 754 binary16 to binary32; Java 17 has no Float.float16ToFloat. */
    static float halfToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
