package dev.medforge.ml.lora;

/**
 * One module's low-rank update, {@code delta W = scale * B A}, with A [rank, in] and B [out, rank]
 * row-major as PEFT stores them.
 */
public record LoraModule(int rank, int in, int out, float[] a, float[] b, float scale) {

    public LoraModule {
        if (a.length != rank * in || b.length != out * rank) {
            throw new IllegalArgumentException("LoRA factors do not match rank " + rank + ", in " + in + ", out " + out);
        }
    }

    /** delta W [out, in] row-major, computed in double for exactness checks and delta-space merges. */
    public double[] delta() {
        double[] d = new double[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < rank; k++) {
                double bk = (double) scale * b[o * rank + k];
                if (bk == 0) {
                    continue;
                }
                for (int i = 0; i < in; i++) {
                    d[o * in + i] += bk * a[k * in + i];
                }
            }
        }
        return d;
    }

    /** The same delta with the scale folded into B, so modules of different alphas can be combined. */
    public LoraModule withUnitScale() {
        float[] scaled = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            scaled[i] = b[i] * scale;
        }
        return new LoraModule(rank, in, out, a, scaled, 1f);
    }

    /** Frobenius norm of delta W: the size of the change this module makes to the base. */
    public double deltaNorm() {
        double s = 0;
        for (double v : delta()) {
            s += v * v;
        }
        return Math.sqrt(s);
    }
}
