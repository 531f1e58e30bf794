package dev.medforge.ml.bench;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.DistilledSetLoss;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.privacy.AttackResult;
import dev.medforge.ml.privacy.MembershipAudit;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The privacy side of a scenario: each institution trains its adapter and distils its set exactly
 * as in the merge benchmark (same settings, same seeds as its first run), then audits both with
 * {@link MembershipAudit}. Beside the audit's own leaky set of real images, an adapter overfitted on
 * purpose (many epochs on a small split given wrong labels: canaries) goes through the adapter-loss
 * attack, so a low adapter AUC can be told from an attack that sees nothing.
 */
public final class PrivacyBench {

    /**
     * Images the overfitted adapter learns by heart, with wrong labels, and its recipe: 640 steps, at
     * a rate that stays stable that long (at 1e-2 one institution fell to 0.73), about 15 s on 2 cores.
     */
    static final int OVERFIT_IMAGES = 32;
    static final TrainingRecipe OVERFIT = new TrainingRecipe(160, 8, 5e-3f, 17, 8, 8f);
    private static final long AUDIT_SEED = 3;
    private static final String ORACLE = "oracle";
    /** Each merge that searches on the distilled sets, and what it would be without them, in name order. */
    static final SortedMap<String, String> WITHOUT_DISTILLED = Collections.unmodifiableSortedMap(
            new TreeMap<>(Map.of("fusion", "linear", "mixture", ORACLE)));

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
        List<Adapter> adapters = new ArrayList<>();
        Map<String, LabeledImages> suites = new LinkedHashMap<>();
        Map<String, LabeledImages> distilled = new LinkedHashMap<>();
        Map<String, List<String>> classNames = new LinkedHashMap<>();
        Map<String, Map<String, Double>> merges;
        try (ModelSession session = ModelSession.open(p.base())) {
            for (ScenarioData.InstitutionData inst : p.data().inArrivalOrder()) {
                Scenario.Institution who = inst.institution();
                Benchmark.Contribution c = Benchmark.contribute(inst, p.base(), session, settings, 0, progress);
                adapters.add(c.adapter());
                suites.put(who.task(), inst.eval());
                distilled.put(who.task(), c.distilled());
                classNames.put(who.task(), who.classNames());
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
            merges = mergeAccuracy(new Benchmark.Scorer(session, suites, new DistilledSetLoss(session, distilled), progress), adapters,
                    classNames);
        }
        return new PrivacyBenchReport(scenario.name(), settings.quick(), Runtime.getRuntime().availableProcessors(), Devices.describe(),
                p.seconds(), results, merges);
    }

    /**
     * Each task's accuracy under the merges that search on the distilled sets and under the same
     * adapters merged without them: what the distilled sets buy, as the price of what they reveal.
     * Fusion starts at the linear merge and moves off it only on the distilled sets, and the
     * task-conditioned mixture starts at each task's own member (the oracle's routing), so
     * {@link #WITHOUT_DISTILLED} pairs each with where it would stay without them.
     */
    private static Map<String, Map<String, Double>> mergeAccuracy(Benchmark.Scorer scorer, List<Adapter> adapters,
                                                                  Map<String, List<String>> classNames) {
        Map<String, Map<String, Double>> accuracy = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : WITHOUT_DISTILLED.entrySet()) {
            for (String method : List.of(pair.getValue(), pair.getKey())) {
                long t0 = System.nanoTime();
                Composite c = method.equals(ORACLE) ? Benchmark.oracle(adapters)
                        : MergeStrategies.get(method).merge(new MergeRequest(adapters, MergeOptions.defaults(), scorer.objective(), classNames));
                Map<String, Double> tasks = new LinkedHashMap<>();
                scorer.score(method, c, t0).tasks().forEach((task, m) -> tasks.put(task, m.accuracy()));
                accuracy.put(method, tasks);
            }
        }
        return accuracy;
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
