package dev.medforge.ml.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.medforge.ml.lora.LoraModule;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Base weights resident on the preferred device, and batched inference over them. One session
 * serves any number of adapters: LoRA factors are uploaded and folded into the weights once per
 * call, which costs microseconds.
 *
 * <p>Memory: every batch runs in a sub-manager that temporarily holds the parameters, so results
 * created from parameters are freed with the batch instead of piling up on the session.
 */
public final class ModelSession implements AutoCloseable {
    public static final int BATCH = 256;

    private final NDManager manager;
    private final VisionTransformer network;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    public ModelSession(VitConfig config, Map<String, float[]> weights) {
        this.manager = NDManager.newBaseManager(Devices.preferred());
        this.network = new VisionTransformer(config);
        for (Map.Entry<String, Shape> e : network.parameterShapes().entrySet()) {
            parameters.put(e.getKey(), manager.create(weights.get(e.getKey()), e.getValue()));
        }
    }

    public static ModelSession open(BaseModel base) {
        return new ModelSession(base.config(), base.weights());
    }

    public NDManager manager() {
        return manager;
    }

    public VisionTransformer network() {
        return network;
    }

    public VitConfig config() {
        return network.config();
    }

    /** The resident base parameters by name (mutable arrays: training updates them in place). */
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    /** Copies the current parameter values back to Java arrays. */
    public Map<String, float[]> snapshot() {
        Map<String, float[]> out = new LinkedHashMap<>();
        parameters.forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    /** Uploads LoRA modules into {@code m}; {@code null} or empty means the bare base. */
    public static Map<String, ForwardContext.LoraFactors> upload(NDManager m, Map<String, LoraModule> lora) {
        Map<String, ForwardContext.LoraFactors> out = new LinkedHashMap<>();
        if (lora != null) {
            lora.forEach((name, mod) -> out.put(name, new ForwardContext.LoraFactors(
                    m.create(mod.a(), new Shape(mod.rank(), mod.in())),
                    m.create(mod.b(), new Shape(mod.out(), mod.rank())), mod.scale())));
        }
        return out;
    }

    /** Embeddings [n, width] of n images (pixels [n, C*H*W]). */
    public float[][] embed(float[] pixels, int n, Map<String, LoraModule> lora) {
        return batched(pixels, n, (ctx, x) -> network.forward(ctx, x), lora);
    }

    /** Class probabilities [n, classes] for a task head on the (LoRA-adapted) encoder. */
    public float[][] probabilities(float[] pixels, int n, Map<String, LoraModule> lora, TaskHead head) {
        return batched(pixels, n, (ctx, x) -> headLogits(ctx, x, head).softmax(-1), lora);
    }

    /**
     * Class probabilities of several tasks' images under one set of LoRA modules (a fused composite):
     * the first {@code counts[0]} images of {@code pixels} under {@code heads.get(0)}, the next
     * {@code counts[1]} under {@code heads.get(1)}, and so on. The modules are folded once and the
     * encoder runs over all the images in full batches; the heads, a few hundred multiply-adds per
     * image, are read off in Java ({@link TaskHead#probabilities(float[][], int, int)}). A fusion search asks this
     * of every task so far at each of its points; one call per task paid a fold, a part-filled batch
     * and a head's tensor ops per task, and cost 3 to 5 times as much at 20 tasks of 12 images
     * (issue 12; ml-core README).
     */
    public float[][] probabilities(float[] pixels, int[] counts, Map<String, LoraModule> lora, List<TaskHead> heads) {
        if (counts.length != heads.size()) {
            throw new IllegalArgumentException(counts.length + " image counts for " + heads.size() + " heads");
        }
        float[][] embeddings = embed(pixels, Arrays.stream(counts).sum(), lora);
        float[][] out = new float[embeddings.length][];
        int from = 0;
        for (int t = 0; t < counts.length; t++) {
            System.arraycopy(heads.get(t).probabilities(embeddings, from, counts[t]), 0, out, from, counts[t]);
            from += counts[t];
        }
        return out;
    }

    /** Logits [n, classes] before the softmax: what an independent implementation is compared on. */
    public float[][] logits(float[] pixels, int n, Map<String, LoraModule> lora, TaskHead head) {
        return batched(pixels, n, (ctx, x) -> headLogits(ctx, x, head), lora);
    }

    private NDArray headLogits(ForwardContext ctx, NDArray images, TaskHead head) {
        NDManager m = images.getManager();
        NDArray classEmb = m.create(head.classEmbeddings(), new Shape(head.classes(), head.width()));
        NDArray scale = m.create(new float[] {head.logitScale()}, new Shape(1));
        return logits(network.forward(ctx, images), classEmb, scale);
    }

    /** Upper bound of the logit scale, as CLIP clamps it: an unbounded scale lets training diverge to NaN. */
    public static final float MAX_LOG_SCALE = (float) Math.log(100);

    /** Cosine logits scaled by exp(logit scale): embeddings [B, d], class embeddings [C, d] -> [B, C]. */
    public static NDArray logits(NDArray embeddings, NDArray classEmbeddings, NDArray logScale) {
        return unit(embeddings).matMul(unit(classEmbeddings).transpose()).mul(logScale.clip(0f, MAX_LOG_SCALE).exp());
    }

    static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {-1}, true).add(1e-8f).sqrt());
    }

    /** Images [B, C, H, W] from a slice of row-major pixels. */
    public NDArray images(NDManager m, float[] pixels, int from, int count) {
        VitConfig c = config();
        float[] slice = new float[count * c.pixels()];
        System.arraycopy(pixels, from * c.pixels(), slice, 0, slice.length);
        return m.create(slice, new Shape(count, c.channels(), c.imageSize(), c.imageSize()));
    }

    private interface Forward {
        NDArray apply(ForwardContext ctx, NDArray images);
    }

    private float[][] batched(float[] pixels, int n, Forward f, Map<String, LoraModule> lora) {
        float[][] out = new float[n][];
        try (NDManager call = manager.newSubManager()) {
            call.tempAttachAll(new NDList(parameters.values()));
            Map<String, NDArray> weights = folded(call, lora);
            NDList resident = new NDList(weights.values());
            ForwardContext ctx = new ForwardContext(weights, Map.of());
            for (int from = 0; from < n; from += BATCH) {
                int count = Math.min(BATCH, n - from);
                try (NDManager step = call.newSubManager()) {
                    step.tempAttachAll(resident);
                    NDArray result = f.apply(ctx, images(step, pixels, from, count));
                    int width = (int) result.getShape().get(1);
                    float[] flat = result.toFloatArray();
                    for (int i = 0; i < count; i++) {
                        out[from + i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
                    }
                }
            }
        }
        return out;
    }

    /**
     * The base parameters with each LoRA module folded in, W + scale B A, made in {@code m} once per
     * call. Inference needs no low-rank path, and the path's cost grows with the rank: a fused
     * composite's modules reach rank 64 and more (TIES at full rank, sums of many adapters), where
     * the two extra products per module cost more than the module itself, while a folded module
     * costs what the base does (ml-core README, "Inference floor").
     */
    private Map<String, NDArray> folded(NDManager m, Map<String, LoraModule> lora) {
        ForwardContext base = new ForwardContext(parameters, Map.of());
        Map<String, NDArray> out = new LinkedHashMap<>(parameters);
        upload(m, lora).forEach((module, f) -> out.put(module + ".weight",
                base.parameter(module + ".weight").add(f.b().matMul(f.a()).mul(f.scale()))));
        return out;
    }

    /** Runs {@code body} in a fresh sub-manager holding the parameters and {@code extra} arrays. */
    public <T> T inStep(NDList extra, Function<NDManager, T> body) {
        try (NDManager step = manager.newSubManager()) {
            // Attaching an array twice would hand it back to the step manager on close and free it.
            java.util.Set<NDArray> unique = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            unique.addAll(parameters.values());
            unique.addAll(extra);
            step.tempAttachAll(new NDList(unique));
            return body.apply(step);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
