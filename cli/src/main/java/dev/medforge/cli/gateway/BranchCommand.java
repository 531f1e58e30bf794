package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.ml.model.BaseModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medforge branch ...}: branches and their base models. */
@Command(name = "branch", description = "Create and list branches.", subcommands = {BranchCommand.Create.class, BranchCommand.ListBranches.class})
public final class BranchCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register a branch on a base model (operator): uploads the base's weights, then posts the branch with"
                    + " its architecture and policy.")
    static final class Create extends GatewayVerb {

        @Option(names = "--branch", required = true, description = "new branch id")
        String branch;

        @Option(names = "--base", required = true, paramLabel = "DIR", description = "base model directory from 'base pretrain'")
        Path base;

        @Option(names = "--strategy", description = "fusion, mixture or fallback (registry default when left out)")
        String strategy;

        @Option(names = "--max-regression", paramLabel = "X", description = "largest accuracy drop allowed on an existing task")
        Double maxRegression;

        @Option(names = "--max-new-task-gap", paramLabel = "X", description = "largest gap allowed between a new task's merged and standalone accuracy")
        Double maxNewTaskGap;

        @Override
        public Integer call() throws IOException {
            BaseModel model = load(base);
            Path weights = base.resolve(BaseModel.WEIGHTS_FILE);
            ObjectNode request = GatewayClient.JSON.createObjectNode().put("id", branch);
            request.putObject("baseModel")
                    .put("id", model.config().id())
                    .put("architecture", Files.readString(base.resolve(BaseModel.ARCHITECTURE_FILE)));
            ObjectNode policy = request.putObject("policy");
            if (strategy != null) {
                policy.put("strategy", strategy);
            }
            if (maxRegression != null) {
                policy.put("maxRegression", maxRegression);
            }
            if (maxNewTaskGap != null) {
                policy.put("maxNewTaskGap", maxNewTaskGap);
            }
            Output out = out();
            GatewayClient client = gateway.client();
            String digest = client.uploadArtifact(weights, new UploadProgress(out.err(), "base weights"));
            ((ObjectNode) request.get("baseModel")).put("digest", digest);
            JsonNode created = client.postJson("/api/v1/branches", request);
            if (json) {
                out.json(created);
            } else {
                out.line("created branch %s on base %s@%s (strategy %s)", created.path("id").asText(), model.config().id(), digest,
                        created.path("policy").path("strategy").asText());
            }
            return 0;
        }

        /** Checked here, so that a wrong directory fails before anything is uploaded. */
        private static BaseModel load(Path dir) {
            try {
                return BaseModel.load(dir);
            } catch (IOException e) {
                throw CliException.usage("--base " + dir + " is not a base model directory (" + BaseModel.WEIGHTS_FILE + " and "
                        + BaseModel.ARCHITECTURE_FILE + "): " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every branch with its base model, strategy and head version.")
    static final class ListBranches extends GatewayVerb {

        @Override
        public Integer call() {
            JsonNode branches = gateway.client().get("/api/v1/branches");
            Output out = out();
            if (json) {
                out.json(branches);
                return 0;
            }
            for (JsonNode b : branches) {
                out.line("%-24s head v%-3d strategy %-9s base %s", b.path("id").asText(), b.path("headVersion").asInt(),
                        b.path("policy").path("strategy").asText(), b.path("baseModel").asText());
            }
            return 0;
        }
    }
}
