package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.ml.bench.BenchResults;
import dev.medforge.ml.bench.BenchSettings;
import dev.medforge.ml.bench.Benchmark;
import dev.medforge.ml.bench.PrivacyBench;
import dev.medforge.ml.data.Scenario;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medforge bench}: every method on a scenario, or with {@code --privacy} the membership audit of every institution, as a table and JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Pretrain, train and distil per institution, then score base-head-only, oracle, every merge strategy"
                + " and a joint LoRA on each task's evaluation suite.",
                "With --privacy: per institution, the membership-inference attacks on its distilled set and adapter (AUC, 95%% CI,"
                        + " TPR at 1%% FPR) and on leaky baselines (real training images as the set; an overfitted adapter)."})
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--scenario", required = true, description = "bundled scenario name (fashion3) or JSON file")
    String scenario;

    @Option(names = "--quick", description = "small sizes, a couple of minutes on 2 cores")
    boolean quick;

    @Option(names = "--json", required = true, description = "where to write the JSON results")
    Path json;

    @Option(names = "--anchors", description = "adapters train against frozen class anchors (shared by class name) instead of"
            + " learning their class embeddings")
    boolean anchors;

    @Option(names = "--fusion-images", defaultValue = "480", description = "distilled images one fusion step reads at most, an equal"
            + " share of each task; 0 for every image (default ${DEFAULT-VALUE}, the merge service's)")
    int fusionImages;

    @Option(names = "--privacy", description = "audit what each institution sends instead of scoring the merges (one run)")
    boolean privacy;

    @Option(names = "--seeds", defaultValue = "1", description = "independent runs (adapter and distillation seeds) on one base;"
            + " results are means with 95%% intervals (default ${DEFAULT-VALUE})")
    int seeds;

    @Override
    public Integer call() throws Exception {
        if (seeds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seeds must be at least 1, got " + seeds);
        }
        if (privacy && seeds != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--privacy audits one run; --seeds does not apply");
        }
        BenchSettings settings = (quick ? BenchSettings.smoke() : BenchSettings.standard()).withAnchors(anchors).withFusionImages(fusionImages);
        Progress progress = new Progress(spec.commandLine().getErr());
        BenchResults results = privacy ? PrivacyBench.run(Scenario.load(scenario), settings, progress)
                : Benchmark.run(Scenario.load(scenario), settings, seeds, progress);
        spec.commandLine().getOut().print(results.table());
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), results.toJson());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
