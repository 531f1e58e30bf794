package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.OutputFormat;
import dev.medforge.ml.bench.ForwardFloor;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code medforge floor}: the forward-pass floor an evaluation is held against (issue 12), measured
 * in a process of its own. The rate depends on the OpenMP settings the process starts with, which
 * no JVM can change once PyTorch is loaded; so a load test runs this verb with the eval service's
 * settings to measure the floor the eval service can reach.
 */
@Command(name = "floor", mixinStandardHelpOptions = true,
        description = {"Time the bare base model's forward pass on this machine: the best of --passes passes over --images random"
                + " images, after one warm-up pass. An evaluation cannot score images faster than this rate.",
                "The rate follows the OpenMP settings this process starts with (OMP_NUM_THREADS, OMP_WAIT_POLICY); the services run"
                        + " with OMP_WAIT_POLICY=PASSIVE."})
public final class FloorCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Any fixed seed: random weights cost what trained ones do; only the architecture matters. */
    private static final long SEED = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--base", paramLabel = "DIR", description = "a base model folder; default: the DESIGN.md architecture with random weights")
    Path base;

    @Option(names = "--images", defaultValue = "4096", description = "images per pass (default ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--passes", defaultValue = "5", description = "timed passes; the fastest counts (default ${DEFAULT-VALUE})")
    int passes;

    @Mixin
    OutputFormat output;

    @Override
    public Integer call() throws IOException {
        if (images < 1 || passes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--images and --passes must be at least 1, got " + images
                    + " and " + passes);
        }
        VitConfig architecture = VitConfig.fashionDefault();
        BaseModel model = base != null ? BaseModel.load(base) : BaseModel.of(architecture, BaseModel.initialWeights(architecture, SEED));
        ForwardFloor floor = ForwardFloor.measure(model, images, passes);
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(JSON.writeValueAsString(floor));
        } else {
            out.printf(Locale.ROOT, "%.0f images/s: the fastest of %d passes over %d images (OMP_NUM_THREADS %s, OMP_WAIT_POLICY %s)%n",
                    floor.imagesPerSecond(), floor.passes(), floor.images(), setting("OMP_NUM_THREADS"), setting("OMP_WAIT_POLICY"));
        }
        out.flush();
        return 0;
    }

    private static String setting(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? "unset" : value;
    }
}
