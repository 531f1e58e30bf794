package dev.medforge.eval.service;

import dev.medforge.eval.config.EvalConfig;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VitConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the forward pass a few times when the service starts, so that the first composite a user
 * submits is not the one that pays for loading PyTorch's kernels and warming the JIT: that first
 * evaluation took 11 to 18 times the forward-pass floor, later ones 1.3 to 4.5 (issue 12). The rate
 * of its fastest pass is published as {@code medforge_eval_warmup_rate_images_per_second}; it is
 * measured while the service starts, so it is a lower bound of this process's floor, not the
 * floor ({@code ForwardFloor} after a load test is). It runs on its own thread: an evaluation that
 * arrives meanwhile is not held up.
 */
@ApplicationScoped
public class ForwardWarmUp {

    private static final Logger LOG = Logger.getLogger(ForwardWarmUp.class);
    /** Any fixed seed: the weights are random, only the shapes and the kernels matter. */
    private static final long SEED = 1;
    private static final String WEIGHT = ".weight";
    private static final int LORA_RANK = 8;
    private static final int HEAD_CLASSES = 10;

    private final EvalConfig.WarmUp config;
    private final MeterRegistry meters;
    private final AtomicReference<ForwardFloor> fastest = new AtomicReference<>();

    ForwardWarmUp(EvalConfig config, MeterRegistry meters) {
        this.config = config.warmUp();
        this.meters = meters;
    }

    void onStart(@Observes StartupEvent start) {
        if (config.images() == 0) {
            LOG.info("forward warm-up off (medforge.eval.warm-up.images=0)");
            return;
        }
        Thread warmUp = new Thread(this::run, "eval-forward-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private void run() {
        VitConfig architecture = VitConfig.fashionDefault();
        try {
            long t0 = System.nanoTime();
            BaseModel base = BaseModel.of(architecture, BaseModel.initialWeights(architecture, SEED));
            ForwardFloor measured = ForwardFloor.measure(base, config.images(), config.passes());
            scoringPath(base, config.images());
            fastest.set(measured);
            Gauge.builder("medforge.eval.warmup.rate", fastest, f -> f.get().imagesPerSecond())
                    .description("images per second of the fastest warm-up pass of the base architecture, measured at start")
                    .baseUnit("images per second").register(meters);
            LOG.infof("forward warm-up done in %d ms: %.0f images/s (%d images, best of %d passes)", (System.nanoTime() - t0) / 1_000_000,
                    measured.imagesPerSecond(), measured.images(), measured.passes());
        } catch (RuntimeException e) {
            // Only the first evaluation is slower without it; the service stays up.
            LOG.warnf(e, "forward warm-up failed; the first evaluation will warm up instead");
        }
    }

    /**
     * Runs once what an evaluation adds to the floor's bare passes: LoRA modules folded into the
     * weights, a task head and its softmax, and a last batch that is not full. The floor's passes
     * alone left them to the first evaluation, whose scoring then took 175 to 264 ms for 500 images
     * against about 100 ms for each later one (issue 12, cold load tests). B is zero, so the folded
     * weights are the base's; only the operations matter.
     */
    private static void scoringPath(BaseModel base, int images) {
        Random random = new Random(SEED);
        int width = base.config().width();
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        try (ModelSession session = ModelSession.open(base)) {
            session.network().parameterShapes().forEach((name, shape) -> {
                if (name.endsWith(WEIGHT) && shape.dimension() == 2) {
                    int out = (int) shape.get(0);
                    int in = (int) shape.get(1);
                    modules.put(name.substring(0, name.length() - WEIGHT.length()),
                            new LoraModule(LORA_RANK, in, out, randoms(random, LORA_RANK * in), new float[out * LORA_RANK], 1f));
                }
            });
            TaskHead head = new TaskHead(HEAD_CLASSES, width, randoms(random, HEAD_CLASSES * width), (float) Math.log(HEAD_CLASSES));
            int count = images + ModelSession.BATCH / 2;
            session.probabilities(randoms(random, count * base.config().pixels()), count, modules, head);
        }
    }

    private static float[] randoms(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }
}
