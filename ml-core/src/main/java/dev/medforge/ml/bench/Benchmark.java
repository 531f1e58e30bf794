package dev.medforge.ml.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.distill.DistributionMatching;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.DistilledSetLoss;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.metrics.Evaluation;
import dev.medforge.ml.metrics.TaskMetrics;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VitConfig;
import dev.medforge.ml.train.Training;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The whole story of a scenario on one machine: pretrain the base on the public pool, train and
 * distil per institution, then score every method on every task's evaluation suite. Methods:
 * {@code base-head-only}, {@code oracle}, each registered merge strategy over all adapters in
 * arrival order, and {@code joint} (one LoRA trained on all institutions' data, an upper bound).
 */
public final class Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One method's results; {@code seconds} is its own merge (or training) plus evaluation time. */
    public record MethodResult(Map<String, TaskMetrics> tasks, double seconds) {
        public double meanAccuracy() {
            return tasks.values().stream().mapToDouble(TaskMetrics::accuracy).average().orElse(Double.NaN);
        }

        public double meanAuc() {
            return tasks.values().stream().mapToDouble(TaskMetrics::auc).average().orElse(Double.NaN);
        }
    }

    public record Report(String scenario, boolean quick, int cores, String device, Map<String, MethodResult> methods,
                         double pretrainSeconds, Map<String, Double> trainSeconds, Map<String, Double> distillSeconds) {

        /** The JSON layout of the issue: scenario, machine, methods, timings. */
        public ObjectNode toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("scenario", scenario);
            root.put("quick", quick);
            root.putObject("machine").put("cores", cores).put("device", device);
            ObjectNode ms = root.putObject("methods");
            methods.forEach((name, r) -> {
                ObjectNode m = ms.putObject(name);
                ObjectNode ts = m.putObject("tasks");
                r.tasks().forEach((task, t) -> ts.putObject(task).put("accuracy", t.accuracy()).put("auc", t.auc()).put("n", t.n()));
                m.put("meanAccuracy", r.meanAccuracy());
                m.put("meanAuc", r.meanAuc());
                m.put("seconds", r.seconds());
            });
            ObjectNode timings = root.putObject("timings");
            timings.put("pretrain", pretrainSeconds);
            ObjectNode train = timings.putObject("train");
            trainSeconds.forEach(train::put);
            ObjectNode distill = timings.putObject("distill");
            distillSeconds.forEach(distill::put);
            return root;
        }

        /** A fixed-width table: one row per method, accuracy / AUC per task, means and seconds. */
        public String table() {
            List<String> tasks = new ArrayList<>(methods.values().iterator().next().tasks().keySet());
            StringBuilder sb = new StringBuilder(String.format("%-16s", "method"));
            tasks.forEach(t -> sb.append(String.format(" %16s", t + " acc/auc")));
            sb.append(String.format(" %14s %8s%n", "mean acc/auc", "seconds"));
            methods.forEach((name, r) -> {
                sb.append(String.format("%-16s", name));
                for (String t : tasks) {
                    TaskMetrics m = r.tasks().get(t);
                    sb.append(m == null ? String.format(" %16s", "-") : String.format(" %8.3f/%.3f", m.accuracy(), m.auc()));
                }
                sb.append(String.format(" %6.3f/%.3f %8.2f%n", r.meanAccuracy(), r.meanAuc(), r.seconds()));
            });
            return sb.toString();
        }
    }

    private Benchmark() {
    }

    public static Report run(Scenario scenario, BenchSettings settings, Consumer<String> progress) throws IOException {
        Scenario s = settings.quick() ? scenario.scaled(settings.pool(), settings.train(), settings.eval()) : scenario;
        ScenarioData data = ScenarioData.load(s);
        VitConfig config = VitConfig.fashionDefault();

        long t0 = System.nanoTime();
        BaseModel base = Training.pretrain(config, data.publicPool(), settings.pretrain(), progress);
        double pretrainSeconds = seconds(t0);
        progress.accept(String.format("base %s pretrained in %.1fs", base.reference(), pretrainSeconds));

        Map<String, LabeledImages> suites = new LinkedHashMap<>();
        Map<String, LabeledImages> distilled = new LinkedHashMap<>();
        Map<String, Double> trainSeconds = new LinkedHashMap<>();
        Map<String, Double> distillSeconds = new LinkedHashMap<>();
        List<Adapter> adapters = new ArrayList<>();
        Map<String, MethodResult> methods = new LinkedHashMap<>();
        try (ModelSession session = ModelSession.open(base)) {
            for (ScenarioData.InstitutionData inst : data.inArrivalOrder()) {
                String id = inst.institution().id();
                String task = inst.institution().task();
                suites.put(task, inst.eval());
                long ts = System.nanoTime();
                adapters.add(Training.trainAdapter(session, base.reference(), new Training.TaskData(task, inst.train()),
                        settings.adapter(), line -> progress.accept(id + ": " + line)));
                trainSeconds.put(id, seconds(ts));
                long td = System.nanoTime();
                distilled.put(task, DistributionMatching.distill(config, inst.train(), settings.distill(), line -> progress.accept(id + ": " + line)));
                distillSeconds.put(id, seconds(td));
                progress.accept(String.format("%s: adapter %.1fs, distilled set %.1fs", id, trainSeconds.get(id), distillSeconds.get(id)));
            }

            long th = System.nanoTime();
            Map<String, TaskHead> heads = new LinkedHashMap<>();
            for (ScenarioData.InstitutionData inst : data.inArrivalOrder()) {
                heads.put(inst.institution().task(), Training.trainHead(session, null, inst.train(), settings.head()));
            }
            methods.put("base-head-only", scored(session, new Composite.Merged(Map.of(), heads, new double[0]), suites, th, progress, "base-head-only"));

            long to = System.nanoTime();
            Map<String, TaskMetrics> oracle = new LinkedHashMap<>();
            for (Adapter a : adapters) {
                Composite own = new Composite.Merged(a.modules(), Map.of(a.task(), a.head()), new double[] {1});
                oracle.putAll(Evaluation.score(session, own, Map.of(a.task(), suites.get(a.task()))));
            }
            methods.put("oracle", new MethodResult(oracle, seconds(to)));
            progress.accept(String.format("oracle: mean accuracy %.3f", methods.get("oracle").meanAccuracy()));

            DistilledSetLoss objective = new DistilledSetLoss(session, distilled);
            for (String name : MergeStrategies.names()) {
                long tm = System.nanoTime();
                Composite c = MergeStrategies.get(name).merge(new MergeRequest(adapters, MergeOptions.defaults(), objective));
                methods.put(name, scored(session, c, suites, tm, progress, name));
            }

            long tj = System.nanoTime();
            List<Training.TaskData> all = new ArrayList<>();
            data.inArrivalOrder().forEach(i -> all.add(new Training.TaskData(i.institution().task(), i.train())));
            List<Adapter> joint = Training.trainLora(session, base.reference(), all, settings.joint(), line -> progress.accept("joint: " + line));
            Map<String, TaskHead> jointHeads = new LinkedHashMap<>();
            joint.forEach(a -> jointHeads.put(a.task(), a.head()));
            methods.put("joint", scored(session, new Composite.Merged(joint.get(0).modules(), jointHeads, new double[] {1}), suites, tj, progress, "joint"));
        }
        return new Report(scenario.name(), settings.quick(), Runtime.getRuntime().availableProcessors(), Devices.describe(),
                methods, pretrainSeconds, trainSeconds, distillSeconds);
    }

    private static MethodResult scored(ModelSession session, Composite c, Map<String, LabeledImages> suites, long start,
                                       Consumer<String> progress, String name) {
        MethodResult r = new MethodResult(Evaluation.score(session, c, suites), seconds(start));
        progress.accept(String.format("%s: mean accuracy %.3f, mean AUC %.3f (%.1fs)", name, r.meanAccuracy(), r.meanAuc(), r.seconds()));
        return r;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
