package dev.medforge.ml.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ForwardContext;
import dev.medforge.ml.model.Linear;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VitConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/** The three training jobs: base pretraining, LoRA-and-head training, head-only training. */
public final class Training {

    /** One task's training data, labels task-local. */
    /**
     * One task's training data.
     *
     * @param anchors a head whose class embeddings stay frozen (the branch's class anchors), with only
     *     its logit scale trained; null to learn the class embeddings from class prototypes
     */
    public record TaskData(String task, LabeledImages data, TaskHead anchors) {
        public TaskData(String task, LabeledImages data) {
            this(task, data, null);
        }
    }

    private Training() {
    }

    /**
     * Self-supervised pretraining by rotation prediction: each image is turned by k * 90 degrees
     * and a throw-away linear head predicts k from the projected embedding. No labels are read.
     */
    public static BaseModel pretrain(VitConfig config, LabeledImages pool, TrainingRecipe recipe, Consumer<String> progress) {
        Random rnd = new Random(recipe.seed());
        try (ModelSession s = new ModelSession(config, BaseModel.initialWeights(config, recipe.seed()))) {
            NDManager m = s.manager();
            float bound = (float) Math.sqrt(6.0 / (config.width() + 4));
            float[] hw = new float[4 * config.width()];
            for (int i = 0; i < hw.length; i++) {
                hw[i] = (rnd.nextFloat() * 2 - 1) * bound;
            }
            NDArray headW = m.create(hw, new Shape(4, config.width()));
            NDArray headB = m.zeros(new Shape(4));
            List<NDArray> trainable = new ArrayList<>(s.parameters().values());
            trainable.add(headW);
            trainable.add(headB);
            AdamState adam = new AdamState(trainable);
            int n = pool.size();
            int steps = Math.max(1, n / recipe.batchSize());
            int px = config.pixels();
            for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                int[] order = permutation(n, rnd);
                double sum = 0;
                int correct = 0;
                for (int step = 0; step < steps; step++) {
                    int b = Math.min(recipe.batchSize(), n - step * recipe.batchSize());
                    float[] batch = new float[b * px];
                    float[] labels = new float[b];
                    for (int i = 0; i < b; i++) {
                        int k = rnd.nextInt(4);
                        labels[i] = k;
                        rotate(pool.pixels(), order[step * recipe.batchSize() + i] * px, config.imageSize(), k, batch, i * px);
                    }
                    float[] stats = s.inStep(adam.arrays(), sm -> {
                        NDArray x = s.images(sm, batch, 0, b);
                        NDArray y = sm.create(labels, new Shape(b));
                        float[] result;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray emb = s.network().forward(new ForwardContext(s.parameters(), Map.of()), x);
                            NDArray logits = emb.matMul(headW.transpose()).add(headB);
                            NDArray loss = crossEntropy(logits, y, 4);
                            gc.backward(loss);
                            float acc = logits.argMax(1).toType(DataType.FLOAT32, false)
                                    .eq(y).toType(DataType.FLOAT32, false).sum().getFloat();
                            result = new float[] {loss.getFloat(), acc};
                        }
                        adam.update(recipe.learningRate());
                        return result;
                    });
                    sum += stats[0];
                    correct += (int) stats[1];
                }
                progress.accept(String.format("pretrain epoch %d/%d  rotation loss %.4f  rotation accuracy %.3f",
                        epoch + 1, recipe.epochs(), sum / steps, correct / (double) (steps * recipe.batchSize())));
            }
            return BaseModel.of(config, s.snapshot());
        }
    }

    /**
     * Largest global gradient norm of a LoRA training step. Adam's steps hardly depend on the
     * gradient's scale, so this changes little in ordinary steps and keeps a rare spike from
     * throwing the moments off.
     */
    public static final float MAX_GRAD_NORM = 1f;

    /**
     * Non-finite steps in a row after which training stops. A lone NaN or overflow in a backward
     * pass is skipped (the parameters stay at their last finite values and the next batch differs);
     * a run that keeps producing them has diverged.
     */
    static final int MAX_CONSECUTIVE_SKIPS = 5;

    /** Trains one institution's LoRA and task head on a frozen base. */
    public static Adapter trainAdapter(ModelSession s, String baseReference, TaskData task, TrainingRecipe recipe,
                                       Consumer<String> progress) {
        return trainLora(s, baseReference, List.of(task), recipe, progress).get(0);
    }

    /**
     * Trains one LoRA shared by several tasks, each with its own head; with one task this is plain
     * adapter training, with all tasks it is the multi-task reference. Each step takes one batch
     * from every task and averages their losses, so the step size does not grow with the number of
     * tasks, and clips the global gradient norm at {@link #MAX_GRAD_NORM}.
     *
     * @throws IllegalStateException when the loss or a gradient is not finite for
     *     {@link #MAX_CONSECUTIVE_SKIPS} steps in a row, naming the tensor nearest the loss; the parameters
     *     are left at their last finite values
     */
    public static List<Adapter> trainLora(ModelSession s, String baseReference, List<TaskData> tasks, TrainingRecipe recipe,
                                          Consumer<String> progress) {
        Random rnd = new Random(recipe.seed());
        NDManager m = s.manager();
        float scale = recipe.alpha() / recipe.rank();
        Map<String, NDArray[]> factors = new LinkedHashMap<>();
        List<NDArray> trainable = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Linear> e : s.network().loraTargets().entrySet()) {
            Linear l = e.getValue();
            float bound = (float) (1 / Math.sqrt(l.in()));
            float[] a = new float[recipe.rank() * l.in()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (rnd.nextFloat() * 2 - 1) * bound;
            }
            NDArray[] ab = {m.create(a, new Shape(recipe.rank(), l.in())), m.zeros(new Shape(l.out(), recipe.rank()))};
            factors.put(e.getKey(), ab);
            trainable.add(ab[0]);
            trainable.add(ab[1]);
            names.add(e.getKey() + ".lora_A");
            names.add(e.getKey() + ".lora_B");
        }
        List<NDArray[]> heads = new ArrayList<>();
        for (TaskData t : tasks) {
            TaskHead init = t.anchors() != null ? t.anchors() : prototypeHead(s, null, t.data());
            NDArray[] h = {m.create(init.classEmbeddings(), new Shape(init.classes(), init.width())),
                m.create(new float[] {init.logitScale()}, new Shape(1))};
            heads.add(h);
            if (t.anchors() == null) {
                trainable.add(h[0]);
                names.add("head[" + t.task() + "].class_embeddings");
            }
            trainable.add(h[1]);
            names.add("head[" + t.task() + "].logit_scale");
        }
        AdamState adam = new AdamState(trainable);
        int steps = tasks.stream().mapToInt(t -> Math.max(1, t.data().size() / recipe.batchSize())).max().orElse(1);
        List<int[]> orders = new ArrayList<>();
        for (TaskData t : tasks) {
            orders.add(permutation(t.data().size(), rnd));
        }
        int[] skipped = {0, 0}; // in all, and in a row
        for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
            double sum = 0;
            int counted = 0;
            for (int step = 0; step < steps; step++) {
                final int st = step;
                final String where = String.format("epoch %d/%d, step %d/%d", epoch + 1, recipe.epochs(), step + 1, steps);
                float loss = s.inStep(adam.arrays(), sm -> {
                    Map<String, ForwardContext.LoraFactors> lora = new LinkedHashMap<>();
                    factors.forEach((k, ab) -> lora.put(k, new ForwardContext.LoraFactors(ab[0], ab[1], scale)));
                    ForwardContext ctx = new ForwardContext(s.parameters(), lora);
                    float value;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray total = null;
                        for (int t = 0; t < tasks.size(); t++) {
                            LabeledImages d = tasks.get(t).data();
                            int[] picked = batchIndices(orders.get(t), st, recipe.batchSize());
                            LabeledImages batch = d.select(picked);
                            NDArray x = s.images(sm, batch.pixels(), 0, batch.size());
                            NDArray y = sm.create(toFloat(batch.labels()), new Shape(batch.size()));
                            NDArray logits = ModelSession.logits(s.network().forward(ctx, x), heads.get(t)[0], heads.get(t)[1]);
                            NDArray l = crossEntropy(logits, y, d.classes());
                            total = total == null ? l : total.add(l);
                        }
                        NDArray mean = total.div(tasks.size());
                        gc.backward(mean);
                        value = mean.getFloat();
                    }
                    double norm = adam.clipGradientNorm(MAX_GRAD_NORM);
                    if (!Float.isFinite(value) || !Double.isFinite(norm)) {
                        String cause = firstNonFinite(names, trainable);
                        adam.discardGradients();
                        if (++skipped[1] >= MAX_CONSECUTIVE_SKIPS) {
                            throw new IllegalStateException(String.format(
                                    "LoRA training went non-finite at %s (loss %s, gradient norm %s) %d steps in a row: %s",
                                    where, value, norm, skipped[1], cause));
                        }
                        skipped[0]++;
                        progress.accept(String.format("skipped a non-finite step at %s (loss %s, gradient norm %s): %s", where, value,
                                norm, cause));
                        return Float.NaN;
                    }
                    skipped[1] = 0;
                    adam.update(recipe.learningRate());
                    return value;
                });
                if (Float.isFinite(loss)) {
                    sum += loss;
                    counted++;
                }
            }
            for (int t = 0; t < tasks.size(); t++) {
                orders.set(t, permutation(tasks.get(t).data().size(), rnd));
            }
            progress.accept(String.format("adapter epoch %d/%d  loss %.4f%s", epoch + 1, recipe.epochs(), sum / Math.max(1, counted),
                    skipped[0] == 0 ? "" : "  (" + skipped[0] + " non-finite steps skipped so far)"));
        }
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        factors.forEach((k, ab) -> {
            Shape bs = ab[1].getShape();
            modules.put(k, new LoraModule(recipe.rank(), (int) ab[0].getShape().get(1), (int) bs.get(0),
                    ab[0].toFloatArray(), ab[1].toFloatArray(), scale));
        });
        List<Adapter> out = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            NDArray[] h = heads.get(t);
            TaskHead head = new TaskHead((int) h[0].getShape().get(0), (int) h[0].getShape().get(1), h[0].toFloatArray(), h[1].getFloat());
            out.add(new Adapter(tasks.get(t).task(), modules, head, baseReference));
        }
        for (NDArray a : trainable) {
            a.close();
        }
        for (int t = 0; t < tasks.size(); t++) {
            if (tasks.get(t).anchors() != null) {
                heads.get(t)[0].close();
            }
        }
        return out;
    }

    /**
     * The first parameter, else the gradient nearest the loss, holding a NaN or an infinity. The
     * trainable tensors are listed in forward order (encoder layers, then heads), and backward runs
     * the other way, so the non-finite gradient nearest the loss is where backward first went wrong;
     * every one upstream of it only inherited the fault.
     */
    private static String firstNonFinite(List<String> names, List<NDArray> trainable) {
        for (int i = 0; i < trainable.size(); i++) {
            if (!finite(trainable.get(i))) {
                return "parameter " + names.get(i) + " is not finite";
            }
        }
        int nonFinite = 0;
        String nearest = null;
        for (int i = 0; i < trainable.size(); i++) {
            if (!finite(trainable.get(i).getGradient())) {
                nonFinite++;
                nearest = names.get(i);
            }
        }
        return nearest == null ? "every parameter and gradient is finite, so the loss or the gradient norm overflowed"
                : String.format("%d of %d gradients are not finite; the nearest the loss is that of %s", nonFinite, trainable.size(), nearest);
    }

    private static boolean finite(NDArray a) {
        return !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
    }

    /**
     * A head trained on a frozen encoder (base plus optional LoRA). Embeddings are computed once,
     * so this costs one forward pass over the data plus a few thousand tiny steps.
     */
    public static TaskHead trainHead(ModelSession s, Map<String, LoraModule> lora, LabeledImages data, TrainingRecipe recipe) {
        float[][] emb = s.embed(data.pixels(), data.size(), lora);
        TaskHead init = prototypeHead(emb, data);
        NDManager m = s.manager().newSubManager();
        try (m) {
            int d = init.width();
            float[] flat = new float[emb.length * d];
            for (int i = 0; i < emb.length; i++) {
                System.arraycopy(emb[i], 0, flat, i * d, d);
            }
            NDArray x = m.create(flat, new Shape(emb.length, d));
            NDArray y = m.create(toFloat(data.labels()), new Shape(emb.length));
            NDArray classEmb = m.create(init.classEmbeddings(), new Shape(init.classes(), d));
            NDArray logScale = m.create(new float[] {init.logitScale()}, new Shape(1));
            AdamState adam = new AdamState(List.of(classEmb, logScale));
            Random rnd = new Random(recipe.seed());
            int steps = Math.max(1, data.size() / recipe.batchSize());
            for (int epoch = 0; epoch < recipe.epochs() * 4; epoch++) {
                int[] order = permutation(data.size(), rnd);
                for (int step = 0; step < steps; step++) {
                    int[] idx = batchIndices(order, step, recipe.batchSize());
                    try (NDManager sm = m.newSubManager()) {
                        NDList all = adam.arrays();
                        all.add(x);
                        all.add(y);
                        sm.tempAttachAll(all);
                        NDArray ids = sm.create(toLong(idx));
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray logits = ModelSession.logits(x.get(ids), classEmb, logScale);
                            gc.backward(crossEntropy(logits, y.get(ids), init.classes()));
                        }
                        adam.update(recipe.learningRate());
                    }
                }
            }
            return new TaskHead(init.classes(), d, classEmb.toFloatArray(), logScale.getFloat());
        }
    }

    /** Class embeddings at the mean unit embedding of each class: a good start for cosine heads. */
    static TaskHead prototypeHead(ModelSession s, Map<String, LoraModule> lora, LabeledImages data) {
        return prototypeHead(s.embed(data.pixels(), data.size(), lora), data);
    }

    static TaskHead prototypeHead(float[][] emb, LabeledImages data) {
        int d = emb[0].length;
        float[] proto = new float[data.classes() * d];
        for (int i = 0; i < emb.length; i++) {
            double norm = 1e-8;
            for (float v : emb[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            int c = data.labels()[i];
            for (int j = 0; j < d; j++) {
                proto[c * d + j] += (float) (emb[i][j] / norm);
            }
        }
        return new TaskHead(data.classes(), d, proto, (float) Math.log(10));
    }

    /** Mean cross-entropy: logits [B, C], labels [B] (float class ids) -> scalar. */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
        NDArray oneHot = labels.toType(DataType.INT64, false).oneHot(classes);
        return logits.logSoftmax(-1).mul(oneHot).sum(new int[] {-1}).mean().neg();
    }

    /** Rotates a square image k quarter turns counter-clockwise into {@code out}. */
    static void rotate(float[] src, int srcOff, int size, int k, float[] out, int outOff) {
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                int sr;
                int sc;
                switch (k) {
                    case 1 -> { sr = c; sc = size - 1 - r; }
                    case 2 -> { sr = size - 1 - r; sc = size - 1 - c; }
                    case 3 -> { sr = size - 1 - c; sc = r; }
                    default -> { sr = r; sc = c; }
                }
                out[outOff + r * size + c] = src[srcOff + sr * size + sc];
            }
        }
    }

    static int[] permutation(int n, Random rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The step-th batch of an epoch order, wrapping around for tasks smaller than the largest. */
    static int[] batchIndices(int[] order, int step, int batch) {
        int b = Math.min(batch, order.length);
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
            idx[i] = order[(step * batch + i) % order.length];
        }
        return idx;
    }

    static float[] toFloat(int[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = v[i];
        }
        return f;
    }

    static long[] toLong(int[] v) {
        long[] l = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            l[i] = v[i];
        }
        return l;
    }
}
