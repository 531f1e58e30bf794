package dev.medforge.ml.bench;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The privacy side of a scenario: each institution trains its adapter and distils its set exactly
 * as in the merge benchmark (same settings, same seeds as its first run), then audits both with
 * {@link MembershipAudit}. Beside the audit's own leaky set of real images, an adapter overfitted on
 * purpose (many epochs on a small split given wrong labels: canaries) goes through the adapter-loss attack, so a low adapter AUC
 * can be told from an attack that sees nothing.
 */
public final class PrivacyBench {

    /** Images the overfitted adapter learns by heart, with wrong labels, and its recipe: 320 steps, about 8 s on 2 cores. */
    static final int OVERFIT_IMAGES = 32;
    static final TrainingRecipe OVERFIT = new TrainingRecipe(80, 8, 1e-2f, 17, 8, 8f);
    private static final long AUDIT_SEED = 3;

    /**
     * One institution's figures.
     *
     * @param overfittedAdapterLoss the adapter-loss attack on the overfitted adapter, its members all of its small split
     */
    public record InstitutionResult(String id, String task, MembershipAudit audit, AttackResult overfittedAdapterLoss, double trainSeconds,
                                    double distillSeconds, double auditSeconds) { }

    private PrivacyBench() {
    }

    public static PrivacyBenchReport run(Scenario scenario, BenchSettings settings, Consumer<String> progress) throws IOException {
        Benchmark.Pretrained p = Benchmark.pretrain(scenario, settings, progress);
        List<InstitutionResult> results = new ArrayList<>();
        try (ModelSession session = ModelSession.open(p.base())) {
            for (ScenarioData.InstitutionData inst : p.data().inArrivalOrder()) {
                Scenario.Institution who = inst.institution();
                Benchmark.Contribution c = Benchmark.contribute(inst, p.base(), session, settings, 0, progress);
                long ta = System.nanoTime();
                long seed = Benchmark.seedFor(AUDIT_SEED, who, 0);
                Consumer<String> tagged = line -> progress.accept(who.id() + ": " + line);
                MembershipAudit audit = MembershipAudit.run(session, c.distilled(), c.adapter(), inst.train(), inst.eval(),
                        MembershipAudit.DEFAULT_CANDIDATES, seed, tagged);
                SplittableRandom labels = new SplittableRandom(seed);
                LabeledImages few = mislabeled(inst.train().head(OVERFIT_IMAGES), labels);
                Adapter overfitted = Training.trainAdapter(session, p.base().reference(), new Training.TaskData(who.task(), few),
                        OVERFIT.withSeed(Benchmark.seedFor(OVERFIT.seed(), who, 0)), line -> { });
                AttackResult overfit = MembershipAudit.adapterLoss(session, overfitted, few, mislabeled(inst.eval(), labels), seed);
                tagged.accept(String.format("overfitted adapter (%d epochs on %d mislabelled images): adapterLoss AUC %.3f", OVERFIT.epochs(),
                        few.size(), overfit.auc()));
                results.add(new InstitutionResult(who.id(), who.task(), audit, overfit, c.trainSeconds(), c.distillSeconds(),
                        Benchmark.seconds(ta)));
            }
        }
        return new PrivacyBenchReport(scenario.name(), settings.quick(), Runtime.getRuntime().availableProcessors(), Devices.describe(),
                p.seconds(), results);
    }

    /**
     * {@code images} each with another of its task's classes, drawn at random: canaries. An adapter
     * can fit these only by remembering each image, so its loss on them against held-out images
     * relabelled the same way measures memorisation, which is what the attack must be shown to see.
     * With true labels an easy task is learned so well that held-out images score as members do
     * (garments: AUC 0.64 with 32 images and 40 epochs), and the witness would show generalisation.
     */
    static LabeledImages mislabeled(LabeledImages images, SplittableRandom random) {
        int[] labels = new int[images.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (images.labels()[i] + 1 + random.nextInt(images.classes() - 1)) % images.classes();
        }
        return new LabeledImages(images.pixels(), labels, images.classes(), images.height(), images.width());
    }
}
