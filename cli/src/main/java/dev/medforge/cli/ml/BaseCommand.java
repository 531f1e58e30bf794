package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code medforge base ...}: the frozen base model. */
@Command(name = "base", description = "Build the base model.", subcommands = BaseCommand.Pretrain.class)
public final class BaseCommand {

    @Command(name = "pretrain", mixinStandardHelpOptions = true,
            description = "Pretrain the base ViT by rotation prediction on the scenario's public pool (no labels) and save"
                    + " model.safetensors, architecture.json and recipe.json.")
    static final class Pretrain implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--scenario", required = true, description = "bundled scenario name (fashion3) or JSON file")
        String scenario;

        @Option(names = "--out", required = true, description = "output directory")
        Path out;

        @Option(names = "--epochs", defaultValue = "6", description = "passes over the public pool (default ${DEFAULT-VALUE})")
        int epochs;

        @Option(names = "--seed", defaultValue = "7", description = "seed of initialisation, order and rotations (default ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--id", description = "base model id (default: medforge/vit-fmnist-tiny); the registry binds an id to one"
                + " digest, so a base trained again needs an id of its own")
        String id;

        @Override
        public Integer call() throws Exception {
            Progress progress = new Progress(spec.commandLine().getErr());
            Scenario s = Scenario.load(scenario);
            ScenarioData data = ScenarioData.load(s);
            progress.accept("public pool: " + data.publicPool().size() + " images");
            TrainingRecipe recipe = TrainingRecipe.pretrainDefault(seed).withEpochs(epochs);
            VitConfig config = VitConfig.fashionDefault();
            if (id != null) {
                config = new VitConfig(id, config.imageSize(), config.channels(), config.patchSize(), config.width(), config.depth(),
                        config.heads(), config.mlpRatio());
            }
            BaseModel base = Training.pretrain(config, data.publicPool(), recipe, progress);
            base.save(out);
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("scenario", s.name());
            provenance.put("publicPool", s.publicPool());
            provenance.put("recipe", recipe);
            provenance.put("reference", base.reference());
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Files.newOutputStream(out.resolve("recipe.json")), provenance);
            spec.commandLine().getOut().println(base.reference());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
