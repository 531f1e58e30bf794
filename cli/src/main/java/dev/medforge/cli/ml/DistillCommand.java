package dev.medforge.cli.ml;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.distill.DistillRecipe;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.distill.DistributionMatching;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.privacy.MembershipAudit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code medforge distill}: a small synthetic stand-in for an institution's data. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil the institution's data by distribution matching from noise; writes distilled.safetensors"
                + " (images [N,1,28,28] f32, labels [N] i64) and privacy-report.json (nearest-real ratios and, unless --no-audit,"
                + " a membership-inference audit).")
public final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    InstitutionJob job;

    @Option(names = "--images-per-class", defaultValue = "30", description = "default ${DEFAULT-VALUE}")
    int imagesPerClass;

    @Option(names = "--iterations", defaultValue = "1000", description = "default ${DEFAULT-VALUE}")
    int iterations;

    @Option(names = "--seed", defaultValue = "3", description = "default ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--no-audit", description = "skip the membership-inference audit of the distilled set ('medforge privacy audit' runs it"
            + " later, with the adapter too)")
    boolean noAudit;

    @Override
    public Integer call() throws Exception {
        Progress progress = new Progress(spec.commandLine().getErr());
        BaseModel b = job.baseModel();
        ScenarioData.InstitutionData data = job.data();
        LabeledImages real = data.train();
        DistillRecipe recipe = DistillRecipe.defaults(seed).withIterations(iterations).withImagesPerClass(imagesPerClass);
        LabeledImages synthetic = DistributionMatching.distill(b.config(), real, recipe, progress);
        Files.createDirectories(job.out);
        Path distilledFile = job.out.resolve(DistilledSetIO.FILE);
        DistilledSetIO.write(synthetic, distilledFile);
        PrivacyReport report = PrivacyReport.compute(synthetic, real, 500, seed);
        MembershipAudit audit = noAudit ? null : PrivacyCommand.auditDistilledSet(b, synthetic, distilledFile, data, seed, progress);
        PrivacyCommand.PrivacyReportFiles.write(audit == null ? report : report.withAudit(audit),
                job.out.resolve(PrivacyCommand.PrivacyReportFiles.FILE));
        spec.commandLine().getOut().printf("%d synthetic images; nearest-real distance ratio min %.3f (1.0 = typical real-to-real)%n",
                synthetic.size(), report.minRatio());
        if (audit != null) {
            PrivacyCommand.PrivacyReportFiles.print(audit, spec.commandLine().getOut());
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
