package dev.medforge.ml.model;

import dev.medforge.contracts.artifacts.ArtifactDigest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Frozen class anchors, the counterpart of the paper's CLIP text embeddings: every class name maps
 * to one fixed unit vector in the encoder's output space, the same on every machine, so two
 * institutions whose tasks share a class share its anchor, and any merged encoder meets the same
 * head for it. An anchor is drawn from a generator seeded by the SHA-256 of the normalised name:
 * nothing has to be registered or shipped, and independent Gaussian directions in 64 dimensions are
 * nearly orthogonal (|cos| about 0.12), so distinct classes stay apart.
 */
public final class ClassAnchors {
    /** The starting logit scale of an anchored head, as the learned heads start: ln 10. */
    static final float INITIAL_LOG_SCALE = (float) Math.log(10);

    private ClassAnchors() {
    }

    /** The anchor of one class: a unit vector of {@code width} values. */
    public static float[] anchor(String className, int width) {
        Random rnd = new Random(seed(className.strip().toLowerCase(Locale.ROOT)));
        float[] v = new float[width];
        double norm = 0;
        for (int i = 0; i < width; i++) {
            v[i] = (float) rnd.nextGaussian();
            norm += (double) v[i] * v[i];
        }
        for (int i = 0; i < width; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }

    /** A head whose class embeddings are the anchors of {@code classNames}, in label order. */
    public static TaskHead head(List<String> classNames, int width) {
        float[] embeddings = new float[classNames.size() * width];
        for (int c = 0; c < classNames.size(); c++) {
            System.arraycopy(anchor(classNames.get(c), width), 0, embeddings, c * width, width);
        }
        return new TaskHead(classNames.size(), width, embeddings, INITIAL_LOG_SCALE);
    }

    private static long seed(String name) {
        byte[] h = ArtifactDigest.sha256(name.getBytes(StandardCharsets.UTF_8));
        long seed = 0;
        for (int i = 0; i < 8; i++) {
            seed = (seed << 8) | (h[i] & 0xff);
        }
        return seed;
    }
}
