package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.ml.model.BaseModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code medforge branch ...}: branches and their base models. */
@Command(name = "branch", description = "Create and list branches, and change a branch's policy.",
        subcommands = {BranchCommand.Create.class, BranchCommand.Policy.class, BranchCommand.ListBranches.class})
public final class BranchCommand {

    /** The policy fields an operator sets, at creation or later; those left out are not sent. */
    static final class PolicyOptions {

        /** Each option's policy field, by the option's name. */
        static final Map<String, String> FIELDS = new LinkedHashMap<>();

        static {
            FIELDS.put("strategy", "strategy");
            FIELDS.put("max-regression", "maxRegression");
            FIELDS.put("max-new-task-gap", "maxNewTaskGap");
            FIELDS.put("max-membership-auc", "maxMembershipAuc");
            FIELDS.put("min-nearest-real-ratio", "minNearestRealRatio");
            FIELDS.put("max-distilled-per-class", "maxDistilledPerClass");
            FIELDS.put("require-privacy-audit", "privacyAuditRequired");
        }

        @Option(names = "--strategy", description = "fusion, mixture or fallback (left out: the registry default for a new branch, else unchanged)")
        String strategy;

        @Option(names = "--max-regression", paramLabel = "X", description = "largest accuracy drop allowed on an existing task")
        Double maxRegression;

        @Option(names = "--max-new-task-gap", paramLabel = "X", description = "largest gap allowed between a new task's merged and standalone accuracy")
        Double maxNewTaskGap;

        @Option(names = "--max-membership-auc", paramLabel = "X",
                description = "highest upper 95%% bound of the distance attack's membership-inference AUC a privacy report may declare")
        Double maxMembershipAuc;

        @Option(names = "--min-nearest-real-ratio", paramLabel = "X",
                description = "smallest distance of a distilled image to a real one, relative to the typical real-to-real distance")
        Double minNearestRealRatio;

        @Option(names = "--max-distilled-per-class", paramLabel = "N", description = "most distilled images per class")
        Integer maxDistilledPerClass;

        @Option(names = "--require-privacy-audit", arity = "1", paramLabel = "true|false",
                description = "refuse privacy reports without a membership-inference audit")
        Boolean privacyAuditRequired;

        /** This mixin's own options, whose values {@link #writeTo} sends. */
        @Spec
        CommandSpec options;

        /** Puts the options given into {@code policy}, each under its field of {@link #FIELDS}; returns how many. */
        int writeTo(ObjectNode policy) {
            for (OptionSpec option : options.options()) {
                Object value = option.getValue();
                if (value != null) {
                    policy.set(FIELDS.get(option.longestName().substring(2)), GatewayClient.JSON.valueToTree(value));
                }
            }
            return policy.size();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Register a branch (operator): on a base model, whose weights it uploads first, or with --from as the fork"
                    + " of a published version, whose composite becomes the new branch's version 1 with the source's tasks and policy.")
    static final class Create extends GatewayVerb {

        @Option(names = "--branch", required = true, description = "new branch id")
        String branch;

        @ArgGroup(multiplicity = "1")
        Start start;

        /** A branch starts on a base model or from another branch's version, never both. */
        static final class Start {

            @Option(names = "--base", paramLabel = "DIR", description = "base model directory from 'base pretrain'")
            Path base;

            @Option(names = "--from", paramLabel = "BRANCH@VERSION", converter = ForkPoint.Parser.class,
                    description = "fork this published version, e.g. main@2; policy options left out keep the source's")
            ForkPoint from;
        }

        @Mixin
        PolicyOptions policy;

        @Override
        public Integer call() throws IOException {
            ObjectNode request = GatewayClient.JSON.createObjectNode().put("id", branch);
            policy.writeTo(request.putObject("policy"));
            Output out = out();
            GatewayClient client = gateway.client();
            if (start.from != null) {
                request.put("fromBranch", start.from.branch()).put("fromVersion", start.from.version());
            } else {
                BaseModel model = load(start.base);
                ObjectNode baseModel = request.putObject("baseModel")
                        .put("id", model.config().id())
                        .put("architecture", Files.readString(start.base.resolve(BaseModel.ARCHITECTURE_FILE)));
                baseModel.put("digest", client.uploadArtifact(start.base.resolve(BaseModel.WEIGHTS_FILE),
                        new UploadProgress(out.err(), "base weights")));
            }
            JsonNode created = client.postJson("/api/v1/branches", request);
            if (json()) {
                out.json(created);
            } else if (start.from != null) {
                out.line("created branch %s as a fork of %s@%d: head v%d, strategy %s", created.path("id").asText(),
                        start.from.branch(), start.from.version(), created.path("headVersion").asInt(),
                        created.path("policy").path("strategy").asText());
            } else {
                out.line("created branch %s on base %s@%s (strategy %s)", created.path("id").asText(), created.path("baseModel").asText(),
                        created.path("baseModelDigest").asText(), created.path("policy").path("strategy").asText());
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

    /** {@code --from BRANCH@VERSION}: the published version a fork starts from. */
    record ForkPoint(String branch, int version) {

        static final class Parser implements ITypeConverter<ForkPoint> {
            @Override
            public ForkPoint convert(String value) {
                int at = value.lastIndexOf('@');
                String number = at < 0 ? "" : value.substring(at + 1);
                if (at < 1 || !number.matches("[1-9][0-9]{0,8}")) {
                    throw new TypeConversionException("'" + value + "' is not BRANCH@VERSION (a branch id, '@' and a published"
                            + " version number from 1), e.g. main@2");
                }
                return new ForkPoint(value.substring(0, at), Integer.parseInt(number));
            }
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = "Change an existing branch's policy (operator): only the options given change, the rest keep their value;"
                    + " the privacy rules apply from the next submission.")
    static final class Policy extends GatewayVerb {

        @Option(names = "--branch", required = true, description = "branch id")
        String branch;

        @Mixin
        PolicyOptions policy;

        @Option(names = "--reset", split = ",", paramLabel = "OPTION",
                description = "policy options to set back to the registry's default, by name, e.g. --reset max-regression,strategy")
        List<String> reset = List.of();

        @Override
        public Integer call() {
            ObjectNode changes = GatewayClient.JSON.createObjectNode();
            int set = policy.writeTo(changes);
            for (String option : reset) {
                String field = PolicyOptions.FIELDS.get(option.startsWith("--") ? option.substring(2) : option);
                if (field == null) {
                    throw CliException.usage("--reset takes policy options by name, one of " + PolicyOptions.FIELDS.keySet() + " (got '"
                            + option + "')");
                }
                if (changes.has(field)) {
                    throw CliException.usage("--" + option.replaceFirst("^--", "") + " is both set and reset; say one");
                }
                changes.putNull(field);
            }
            if (set + reset.size() == 0) {
                throw CliException.usage("say what to change: at least one policy option or --reset (see 'medforge branch policy --help')");
            }
            // A merge patch: fields left out keep their value, a null goes back to the registry's default.
            JsonNode updated = gateway.client().patchJson("/api/v1/branches/" + GatewayClient.segment(branch) + "/policy", changes);
            Output out = out();
            if (json()) {
                out.json(updated);
                return 0;
            }
            out.line("branch %s policy:", updated.path("id").asText());
            updated.path("policy").fields().forEachRemaining(f -> out.line("  %-22s %s", f.getKey(), f.getValue().asText()));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every branch with its base model, strategy and head version.")
    static final class ListBranches extends GatewayVerb {

        @Override
        public Integer call() {
            JsonNode branches = gateway.client().get("/api/v1/branches");
            Output out = out();
            if (json()) {
                out.json(branches);
                return 0;
            }
            for (JsonNode b : branches) {
                JsonNode fork = b.path("forkedFrom");
                out.line("%-24s head v%-3d strategy %-9s base %s%s", b.path("id").asText(), b.path("headVersion").asInt(),
                        b.path("policy").path("strategy").asText(), b.path("baseModel").asText(),
                        fork.isObject() ? "  forked from " + fork.path("branch").asText() + "@" + fork.path("version").asInt() : "");
            }
            return 0;
        }
    }
}
