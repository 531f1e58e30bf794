package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.distill.DistilledSetIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medforge task ...}: an institution's task and the evaluation suite every composite is scored on. */
@Command(name = "task", description = "Evaluation suites and task registration.",
        subcommands = {TaskCommand.Suite.class, TaskCommand.Register.class})
public final class TaskCommand {

    /** The scenario institution whose evaluation split becomes the suite. */
    static final class ScenarioInstitution {
        @Option(names = "--scenario", required = true, description = "bundled scenario name (fashion3) or JSON file")
        String scenario;

        @Option(names = "--institution", required = true, description = "institution id in the scenario")
        String institution;

        /** The task and its suite, the labels task-local in the order of {@link #classNames}. */
        record Task(String name, List<String> classNames, LabeledImages suite) {
        }

        Task load() throws IOException {
            Scenario s = Scenario.load(scenario);
            Scenario.Institution inst = s.institution(institution);
            LabeledImages suite = ScenarioData.load(s).institution(institution).eval();
            return new Task(inst.task(), inst.classNames(), suite);
        }
    }

    @Command(name = "suite", mixinStandardHelpOptions = true,
            description = "Write an institution's evaluation suite (images [N,1,28,28] f32, labels [N] i64: the distilled-set"
                    + " format) and print its class names, comma-separated, in label order.")
    static final class Suite implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ScenarioInstitution source;

        @Option(names = "--out", required = true, paramLabel = "FILE")
        Path out;

        @Override
        public Integer call() throws IOException {
            ScenarioInstitution.Task task = source.load();
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            DistilledSetIO.write(task.suite(), out);
            Output output = new Output(spec);
            output.note("task %s: %d images of %d classes written to %s", task.name(), task.suite().size(),
                    task.classNames().size(), out);
            output.line(String.join(",", task.classNames()));
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Upload the evaluation suite and register the task on the branch for your institution. Give --name,"
                    + " --classes and --suite, or --scenario and --institution to take all three from the scenario.")
    static final class Register extends GatewayVerb {

        @Option(names = "--branch", required = true)
        String branch;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @ArgGroup(exclusive = false)
            Explicit explicit;

            @ArgGroup(exclusive = false)
            ScenarioInstitution scenario;
        }

        static final class Explicit {
            @Option(names = "--name", required = true, description = "task name")
            String name;

            @Option(names = "--classes", required = true, split = ",", description = "class names in label order, comma-separated")
            List<String> classes;

            @Option(names = "--suite", required = true, paramLabel = "FILE", description = "evaluation suite from 'task suite'")
            Path suite;
        }

        @Override
        public Integer call() throws IOException {
            ObjectNode request = GatewayClient.JSON.createObjectNode();
            Path suite;
            Path temporary = null;
            if (source.explicit != null) {
                suite = SubmitCommand.existing(source.explicit.suite, "--suite");
                request.put("name", source.explicit.name);
                request.putPOJO("classNames", source.explicit.classes);
            } else {
                ScenarioInstitution.Task task = source.scenario.load();
                temporary = Files.createTempFile("suite-", ".safetensors");
                DistilledSetIO.write(task.suite(), temporary);
                suite = temporary;
                request.put("name", task.name());
                request.putPOJO("classNames", task.classNames());
                // Named, so a scenario institution other than the signed-in one is refused, not registered as ours.
                request.put("institution", source.scenario.institution);
            }
            try {
                Output out = out();
                GatewayClient client = gateway.client();
                String digest = client.uploadArtifact(suite, new UploadProgress(out.err(), "suite"));
                request.put("evaluationSuite", digest);
                JsonNode task = client.postJson("/api/v1/branches/" + GatewayClient.segment(branch) + "/tasks", request);
                if (json()) {
                    out.json(task);
                } else {
                    out.line("registered task %s on branch %s for %s: classes %s, suite %s", task.path("name").asText(),
                            branch, task.path("institution").asText(), task.path("classNames"), digest);
                }
            } finally {
                if (temporary != null) {
                    Files.deleteIfExists(temporary);
                }
            }
            return 0;
        }
    }
}
