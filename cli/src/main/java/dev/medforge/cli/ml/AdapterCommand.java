package dev.medforge.cli.ml;

import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code medforge adapter ...}: an institution's LoRA adapter. */
@Command(name = "adapter", description = "Train LoRA adapters.", subcommands = AdapterCommand.Train.class)
public final class AdapterCommand {

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a LoRA adapter and task head on one institution's data; writes a PEFT directory"
                    + " (adapter_config.json, adapter_model.safetensors with the head as modules_to_save) and training.log.")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        InstitutionJob job;

        @Option(names = "--epochs", defaultValue = "4", description = "default ${DEFAULT-VALUE}")
        int epochs;

        @Option(names = "--rank", defaultValue = "8", description = "LoRA rank r (default ${DEFAULT-VALUE})")
        int rank;

        @Option(names = "--alpha", defaultValue = "8", description = "LoRA alpha (default ${DEFAULT-VALUE})")
        float alpha;

        @Option(names = "--seed", defaultValue = "11", description = "default ${DEFAULT-VALUE}")
        long seed;

        @Override
        public Integer call() throws Exception {
            List<String> log = new ArrayList<>();
            Progress progress = new Progress(spec.commandLine().getErr());
            BaseModel b = job.baseModel();
            ScenarioData.InstitutionData data = job.data();
            String task = data.institution().task();
            TrainingRecipe recipe = new TrainingRecipe(epochs, 128, 3e-3f, seed, rank, alpha);
            log.add("base " + b.reference());
            log.add("institution " + job.institution + ", task " + task + ", " + data.train().size() + " samples, recipe " + recipe);
            try (ModelSession session = ModelSession.open(b)) {
                Adapter adapter = Training.trainAdapter(session, b.reference(), new Training.TaskData(task, data.train()), recipe, line -> {
                    log.add(line);
                    progress.accept(line);
                });
                PeftAdapterIO.write(adapter, job.out);
                TaskMetrics m = Scoring.of(session.probabilities(data.eval().pixels(), data.eval().size(), adapter.modules(), adapter.head()),
                        data.eval().labels());
                String summary = String.format("evaluation on %s: accuracy %.4f, macro AUC %.4f, n %d", task, m.accuracy(), m.auc(), m.n());
                log.add(summary);
                spec.commandLine().getOut().println(summary);
            }
            Files.write(job.out.resolve("training.log"), log);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }
}
