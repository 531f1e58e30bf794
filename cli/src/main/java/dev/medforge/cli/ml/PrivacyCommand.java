package dev.medforge.cli.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.gateway.Digests;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medforge privacy audit}: what an attacker holding the distilled set (and the adapter) learns about membership. */
@Command(name = "privacy", mixinStandardHelpOptions = true, subcommands = PrivacyCommand.Audit.class,
        description = "Privacy checks an institution runs on its own data before anything leaves it.")
public final class PrivacyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say which: medforge privacy audit");
    }

    @Command(name = "audit", mixinStandardHelpOptions = true,
            description = "Membership-inference audit of the distilled set in --out (from 'distill'), and of --adapter if given:"
                    + " AUC with a bootstrap 95%% interval and TPR at 1%% FPR per attack, and the same attacks on a leaky set of"
                    + " real training images, which they must catch. Adds the audit, with the SHA-256 digests of the distilled set and"
                    + " adapter files it covered, to --out/privacy-report.json (schema 2).")
    static final class Audit implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        InstitutionJob job;

        @Option(names = "--adapter", description = "the institution's adapter directory (from 'adapter train'), for the adapter-loss attack")
        Path adapter;

        @Option(names = "--candidates", defaultValue = "" + MembershipAudit.DEFAULT_CANDIDATES, description = "members sampled, and as many non-members (default ${DEFAULT-VALUE})")
        int candidates;

        @Option(names = "--seed", defaultValue = "3", description = "default ${DEFAULT-VALUE}")
        long seed;

        @Override
        public Integer call() throws Exception {
            if (candidates < 10) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--candidates must be at least 10, got " + candidates);
            }
            Path distilledFile = job.out.resolve(DistilledSetIO.FILE);
            Path reportFile = job.out.resolve(PrivacyReportFiles.FILE);
            for (Path needed : new Path[] {distilledFile, reportFile}) {
                if (!Files.isRegularFile(needed)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--out " + job.out + " has no " + needed.getFileName()
                            + "; run 'medforge distill' into it first");
                }
            }
            BaseModel base = job.baseModel();
            ScenarioData.InstitutionData data = job.data();
            LabeledImages train = data.train();
            LabeledImages distilled = DistilledSetIO.read(distilledFile, train.classes(), train.height(), train.width());
            Adapter trained = adapter == null ? null : PeftAdapterIO.read(adapter, base, data.institution().task());
            PrivacyReport report = new ObjectMapper().readValue(reportFile.toFile(), PrivacyReport.class);
            MembershipAudit audit;
            try (ModelSession session = ModelSession.open(base)) {
                audit = MembershipAudit.run(session, distilled, trained, train, data.eval(), candidates, seed, new Progress(spec.commandLine().getErr()))
                        .covering(Digests.sha256(distilledFile), adapter == null ? null : Digests.sha256(adapter.resolve(PeftAdapterIO.WEIGHTS_FILE)));
            }
            PrivacyReportFiles.write(report.withAudit(audit), reportFile);
            PrivacyReportFiles.print(audit, spec.commandLine().getOut());
            return 0;
        }
    }

    /** Runs the audit that {@code distill} adds by default (no adapter yet at that point) on the set written to {@code distilledFile}. */
    static MembershipAudit auditDistilledSet(BaseModel base, LabeledImages distilled, Path distilledFile, ScenarioData.InstitutionData data,
                                             long seed, Consumer<String> progress) throws IOException {
        try (ModelSession session = ModelSession.open(base)) {
            return MembershipAudit.run(session, distilled, null, data.train(), data.eval(), MembershipAudit.DEFAULT_CANDIDATES, seed, progress)
                    .covering(Digests.sha256(distilledFile), null);
        }
    }

    /** Writing and showing {@code privacy-report.json}, shared by {@code distill} and {@code privacy audit}. */
    static final class PrivacyReportFiles {
        static final String FILE = "privacy-report.json";

        private PrivacyReportFiles() {
        }

        static void write(PrivacyReport report, Path file) throws java.io.IOException {
            new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
        }

        static void print(MembershipAudit audit, PrintWriter out) {
            out.printf("membership inference over %d members and %d non-members (0.5 = the attacker guesses):%n", audit.candidates(),
                    audit.candidates());
            table(audit.attacks(), "", out);
            table(audit.leaky(), "leaky set, ", out);
            out.flush();
        }

        private static void table(Map<String, AttackResult> attacks, String prefix, PrintWriter out) {
            attacks.forEach((attack, r) -> out.printf("  %-32s AUC %.3f  95%% CI [%.3f, %.3f]  TPR at 1%% FPR %.3f%n", prefix + attack, r.auc(),
                    r.ciLow(), r.ciHigh(), r.tprAt1Fpr()));
        }
    }
}
