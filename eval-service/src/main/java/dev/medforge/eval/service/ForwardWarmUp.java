package dev.medforge.eval.service;

import dev.medforge.eval.config.EvalConfig;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

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
            ForwardFloor measured = ForwardFloor.measure(BaseModel.of(architecture, BaseModel.initialWeights(architecture, SEED)),
                    config.images(), config.passes());
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
}
