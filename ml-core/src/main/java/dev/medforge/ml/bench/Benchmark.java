package dev.medforge.ml.bench;

import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.distill.DistributionMatching;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeLoss;
import dev.medforge.ml.merge.DistilledSetLoss;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ClassAnchors;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.train.Training;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The whole story of a scenario on one machine: pretrain the base on the public pool once, then,
 * for each seed, train and distil per institution and score every method on every task's
 * evaluation suite. Methods: {@code base-head-only}, {@code oracle} (each task served by its own
 * adapter), each registered merge strategy over all adapters in arrival order, and {@code joint}
 * (one LoRA trained on all institutions' data, the multi-task reference).
 * <p>
 * Seeds differ per institution and per run, as real contributors' would: with one seed for all,
 * every adapter's A matrices start identical, which flatters element-wise merging.
 */
public final class Benchmark {

    /**
     * One method's results in one seed's run.
     *
     * @param seconds its own merge (or training) plus evaluation time
     * @param proxyLoss mean cross-entropy on the distilled sets: what the searches see
     * @param realLoss mean cross-entropy on the evaluation suites: what the proxy stands for
     */
    public record MethodResult(Map<String, TaskMetrics> tasks, double seconds, double proxyLoss, double realLoss,
                               double[] coefficients) {
        public double meanAccuracy() {
            return tasks.values().stream().mapToDouble(TaskMetrics::accuracy).average().orElse(Double.NaN);
        }

        public double meanAuc() {
            return tasks.values().stream().mapToDouble(TaskMetrics::auc).average().orElse(Double.NaN);
        }
    }

    /**
     * One seed's run.
     *
     * @param adapterCosine mean cosine similarity of two institutions' LoRA A matrices, over pairs and modules
     * @param candidateFidelity Spearman correlation between distilled-set and real loss over a fixed
     *     ladder of candidate composites (see {@link #CANDIDATES})
     */
    public record SeedRun(int run, Map<String, MethodResult> methods, Map<String, Double> trainSeconds,
                          Map<String, Double> distillSeconds, double adapterCosine, double candidateFidelity) {

        /** Spearman correlation between distilled-set and real loss over the methods: how well the proxy ranks composites. */
        public double proxyFidelity() {
            double[] proxy = methods.values().stream().mapToDouble(MethodResult::proxyLoss).toArray();
            double[] real = methods.values().stream().mapToDouble(MethodResult::realLoss).toArray();
            return new SpearmansCorrelation().correlation(proxy, real);
        }
    }

    /**
     * Size of the candidate ladder: task-arithmetic composites at fixed pseudo-random weights in
     * [0, 1.5] per adapter, the kind of points a coefficient search compares. The methods alone are
     * a few near-equal composites whose ranking is mostly noise on small runs; the ladder spans
     * good and bad composites, so it asks the question the searches rely on: does a lower
     * distilled-set loss mean a lower real loss?
     */
    static final int CANDIDATES = 32;

    private Benchmark() {
    }

    public static BenchReport run(Scenario scenario, BenchSettings settings, int seeds, Consumer<String> progress) throws IOException {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
        }
        Pretrained p = pretrain(scenario, settings, progress);
        List<SeedRun> runs = new ArrayList<>();
        try (ModelSession session = ModelSession.open(p.base())) {
            for (int run = 0; run < seeds; run++) {
                int r = run;
                Consumer<String> tagged = seeds == 1 ? progress : line -> progress.accept("seed " + (r + 1) + "/" + seeds + ": " + line);
                runs.add(runOnce(p.data(), p.base(), session, settings, run, tagged));
            }
        }
        return new BenchReport(scenario.name(), settings.quick(), settings.anchors(), settings.fusionImages(), Runtime.getRuntime().availableProcessors(), Devices.describe(),
                p.seconds(), runs);
    }

    /** The scenario's data at the settings' sizes and the base pretrained once on its public pool. */
    record Pretrained(ScenarioData data, BaseModel base, double seconds) { }

    static Pretrained pretrain(Scenario scenario, BenchSettings settings, Consumer<String> progress) throws IOException {
        Scenario s = settings.quick() ? scenario.scaled(settings.pool(), settings.train(), settings.eval()) : scenario;
        ScenarioData data = ScenarioData.load(s);
        long t0 = System.nanoTime();
        BaseModel base = Training.pretrain(VitConfig.fashionDefault(), data.publicPool(), settings.pretrain(), progress);
        double pretrainSeconds = seconds(t0);
        progress.accept(String.format("base %s pretrained in %.1fs", base.reference(), pretrainSeconds));
        return new Pretrained(data, base, pretrainSeconds);
    }

    /** What one institution sends in one run, made with that run's seeds: its adapter and its distilled set. */
    record Contribution(Adapter adapter, LabeledImages distilled, double trainSeconds, double distillSeconds) { }

    static Contribution contribute(ScenarioData.InstitutionData inst, BaseModel base, ModelSession session, BenchSettings settings, int run,
                                   Consumer<String> progress) {
        Scenario.Institution who = inst.institution();
        Consumer<String> tagged = line -> progress.accept(who.id() + ": " + line);
        long ts = System.nanoTime();
        Adapter adapter = Training.trainAdapter(session, base.reference(), taskData(inst, base, settings),
                settings.adapter().withSeed(seedFor(settings.adapter().seed(), who, run)), tagged);
        double trainSeconds = seconds(ts);
        long td = System.nanoTime();
        LabeledImages distilled = DistributionMatching.distill(base.config(), inst.train(),
                settings.distill().withSeed(seedFor(settings.distill().seed(), who, run)), tagged);
        double distillSeconds = seconds(td);
        tagged.accept(String.format("adapter %.1fs, distilled set %.1fs", trainSeconds, distillSeconds));
        return new Contribution(adapter, distilled, trainSeconds, distillSeconds);
    }

    private static Training.TaskData taskData(ScenarioData.InstitutionData inst, BaseModel base, BenchSettings settings) {
        return new Training.TaskData(inst.institution().task(), inst.train(),
                settings.anchors() ? ClassAnchors.head(inst.institution().classNames(), base.config().width()) : null);
    }

    /** A recipe seed for one institution in one run: distinct across both. */
    static long seedFor(long recipeSeed, Scenario.Institution institution, int run) {
        return recipeSeed + 1_000L * institution.seed() + 1_000_003L * run;
    }

    private static SeedRun runOnce(ScenarioData data, BaseModel base, ModelSession session, BenchSettings settings, int run,
                                   Consumer<String> progress) {
        Map<String, LabeledImages> suites = new LinkedHashMap<>();
        Map<String, LabeledImages> distilled = new LinkedHashMap<>();
        Map<String, Double> trainSeconds = new LinkedHashMap<>();
        Map<String, Double> distillSeconds = new LinkedHashMap<>();
        List<Adapter> adapters = new ArrayList<>();
        for (ScenarioData.InstitutionData inst : data.inArrivalOrder()) {
            Scenario.Institution who = inst.institution();
            suites.put(who.task(), inst.eval());
            Contribution c = contribute(inst, base, session, settings, run, progress);
            adapters.add(c.adapter());
            distilled.put(who.task(), c.distilled());
            trainSeconds.put(who.id(), c.trainSeconds());
            distillSeconds.put(who.id(), c.distillSeconds());
        }
        Scorer scorer = new Scorer(session, suites, new DistilledSetLoss(session, distilled), progress);
        Map<String, MethodResult> methods = new LinkedHashMap<>();

        long th = System.nanoTime();
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        for (ScenarioData.InstitutionData inst : data.inArrivalOrder()) {
            heads.put(inst.institution().task(), Training.trainHead(session, null, inst.train(),
                    settings.head().withSeed(seedFor(settings.head().seed(), inst.institution(), run))));
        }
        methods.put("base-head-only", scorer.score("base-head-only", new Composite.Merged(Map.of(), heads, new double[0]), th));

        long to = System.nanoTime();
        methods.put("oracle", scorer.score("oracle", oracle(adapters), to));

        Map<String, List<String>> classNames = new LinkedHashMap<>();
        data.inArrivalOrder().forEach(i -> classNames.put(i.institution().task(), i.institution().classNames()));
        for (String name : MergeStrategies.names()) {
            long tm = System.nanoTime();
            Composite c = MergeStrategies.get(name).merge(new MergeRequest(adapters,
                    MergeOptions.defaults().withImages(settings.fusionImages()), scorer.objective, classNames));
            methods.put(name, scorer.score(name, c, tm));
        }

        long tj = System.nanoTime();
        List<Training.TaskData> all = new ArrayList<>();
        data.inArrivalOrder().forEach(i -> all.add(taskData(i, base, settings)));
        List<Adapter> joint = Training.trainLora(session, base.reference(), all,
                settings.joint().withSeed(settings.joint().seed() + 1_000_003L * run), line -> progress.accept("joint: " + line));
        Map<String, TaskHead> jointHeads = new LinkedHashMap<>();
        joint.forEach(a -> jointHeads.put(a.task(), a.head()));
        methods.put("joint", scorer.score("joint", new Composite.Merged(joint.get(0).modules(), jointHeads, new double[] {1}), tj));
        SeedRun result = new SeedRun(run, methods, trainSeconds, distillSeconds, adapterCosine(adapters),
                candidateFidelity(scorer, adapters, run));
        progress.accept(String.format("proxy fidelity (Spearman of distilled-set vs real loss): %.2f over %d methods, %.2f over %d candidates;"
                        + " A-matrix cosine %.3f", result.proxyFidelity(), methods.size(), result.candidateFidelity(), CANDIDATES,
                result.adapterCosine()));
        return result;
    }

    private static double candidateFidelity(Scorer scorer, List<Adapter> adapters, int run) {
        SplittableRandom random = new SplittableRandom(7_919L + run);
        double[] proxy = new double[CANDIDATES];
        double[] real = new double[CANDIDATES];
        for (int i = 0; i < CANDIDATES; i++) {
            double[] weights = random.doubles(adapters.size(), 0, 1.5).toArray();
            Composite c = MergeStrategies.get("task-arithmetic").merge(
                    new MergeRequest(adapters, MergeOptions.defaults().withWeights(weights), scorer.objective));
            proxy[i] = scorer.objective.loss(c, List.copyOf(scorer.suites.keySet()));
            real[i] = scorer.realLoss(c);
        }
        return new SpearmansCorrelation().correlation(proxy, real);
    }

    /** The per-task oracle: each task routed to its own institution's adapter and head. */
    static Composite oracle(List<Adapter> adapters) {
        Map<String, TaskHead> ownHeads = new LinkedHashMap<>();
        adapters.forEach(a -> ownHeads.put(a.task(), a.head()));
        return Composite.Mixture.routed(adapters, ownHeads);
    }

    /** Scores composites on the evaluation suites and on the distilled sets in one place. */
    record Scorer(ModelSession session, Map<String, LabeledImages> suites, CompositeLoss objective, Consumer<String> progress) {

        MethodResult score(String name, Composite c, long start) {
            Map<String, TaskMetrics> tasks = new LinkedHashMap<>();
            double realLoss = realLoss(c, tasks);
            double seconds = seconds(start);
            MethodResult r = new MethodResult(tasks, seconds, objective.loss(c, List.copyOf(suites.keySet())), realLoss, c.coefficients());
            progress.accept(String.format("%s: mean accuracy %.3f, mean AUC %.3f (%.1fs)", name, r.meanAccuracy(), r.meanAuc(), seconds));
            return r;
        }

        double realLoss(Composite c) {
            return realLoss(c, new LinkedHashMap<>());
        }

        /** Mean cross-entropy over the evaluation suites; each task's metrics go into {@code tasks}. */
        private double realLoss(Composite c, Map<String, TaskMetrics> tasks) {
            double realLoss = 0;
            for (Map.Entry<String, LabeledImages> suite : suites.entrySet()) {
                LabeledImages set = suite.getValue();
                float[][] p = c.scores(session, suite.getKey(), set.pixels(), set.size());
                tasks.put(suite.getKey(), Scoring.of(p, set.labels()));
                realLoss += CompositeLoss.crossEntropy(CompositeLoss.trueClass(p, set.labels())) / suites.size();
            }
            return realLoss;
        }
    }

    /** Mean cosine similarity of the A factors of two adapters, over every pair of adapters and every module. */
    static double adapterCosine(List<Adapter> adapters) {
        double sum = 0;
        int count = 0;
        for (int i = 0; i < adapters.size(); i++) {
            for (int j = i + 1; j < adapters.size(); j++) {
                for (Map.Entry<String, LoraModule> module : adapters.get(i).modules().entrySet()) {
                    sum += cosine(module.getValue().a(), adapters.get(j).modules().get(module.getKey()).a());
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    private static double cosine(float[] x, float[] y) {
        double dot = 0;
        double nx = 0;
        double ny = 0;
        for (int k = 0; k < x.length; k++) {
            dot += (double) x[k] * y[k];
            nx += (double) x[k] * x[k];
            ny += (double) y[k] * y[k];
        }
        return dot / Math.sqrt(nx * ny + 1e-30);
    }

    static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
