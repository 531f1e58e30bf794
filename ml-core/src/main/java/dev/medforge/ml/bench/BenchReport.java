package dev.medforge.ml.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.bench.Benchmark.MethodResult;
import dev.medforge.ml.bench.Benchmark.SeedRun;
import dev.medforge.ml.merge.MergeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A benchmark's results over its seeds: per method and task the mean with a 95% interval, the
 * paired difference from the oracle and from linear (the same seed's adapters on both sides, so
 * the seed-to-seed spread cancels), the coefficients found, and the proxy's fidelity.
 */
public record BenchReport(String scenario, boolean quick, boolean anchors, int fusionImages, int cores, String device, double pretrainSeconds, List<SeedRun> runs)
        implements BenchResults {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ORACLE = "oracle";
    static final String LINEAR = "linear";

    public List<String> methods() {
        return List.copyOf(runs.get(0).methods().keySet());
    }

    public List<String> tasks() {
        return List.copyOf(runs.get(0).methods().get(ORACLE).tasks().keySet());
    }

    /** A method's values over the seeds. */
    public Spread spread(String method, ToDoubleFunction<MethodResult> value) {
        return Spread.of(runs.stream().map(r -> value.applyAsDouble(r.methods().get(method))).toList());
    }

    /** The method's value minus the reference method's, seed by seed. */
    public Spread paired(String method, String reference, ToDoubleFunction<MethodResult> value) {
        return Spread.of(runs.stream()
                .map(r -> value.applyAsDouble(r.methods().get(method)) - value.applyAsDouble(r.methods().get(reference))).toList());
    }

    public Spread proxyFidelity() {
        return Spread.of(runs.stream().map(SeedRun::proxyFidelity).toList());
    }

    public Spread candidateFidelity() {
        return Spread.of(runs.stream().map(SeedRun::candidateFidelity).toList());
    }

    /**
     * The JSON layout: {@code methods.<name>.meanAccuracy} and {@code methods.<name>.tasks.<task>.accuracy}
     * are means over the seeds, each with its {@code ...Ci95} half-width; paired differences, coefficients
     * and timings sit beside them.
     */
    @Override
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("scenario", scenario);
        root.put("quick", quick);
        root.put("anchors", anchors);
        root.put("fusionImages", fusionImages);
        root.put("seeds", runs.size());
        root.putObject("machine").put("cores", cores).put("device", device);
        ObjectNode ms = root.putObject("methods");
        for (String name : methods()) {
            ObjectNode m = ms.putObject(name);
            ObjectNode ts = m.putObject("tasks");
            for (String task : tasks()) {
                ObjectNode t = ts.putObject(task);
                putSpread(t, "accuracy", spread(name, r -> r.tasks().get(task).accuracy()));
                putSpread(t, "auc", spread(name, r -> r.tasks().get(task).auc()));
                t.put("n", runs.get(0).methods().get(name).tasks().get(task).n());
                putSpread(t.putObject("vsOracle"), "accuracy", paired(name, ORACLE, r -> r.tasks().get(task).accuracy()));
                putSpread(t.putObject("vsLinear"), "accuracy", paired(name, LINEAR, r -> r.tasks().get(task).accuracy()));
            }
            putSpread(m, "meanAccuracy", spread(name, MethodResult::meanAccuracy));
            ArrayNode accuracyPerSeed = m.putArray("meanAccuracyPerSeed");
            runs.forEach(r -> accuracyPerSeed.add(r.methods().get(name).meanAccuracy()));
            putSpread(m, "meanAuc", spread(name, MethodResult::meanAuc));
            putSpread(m.putObject("vsOracle"), "meanAccuracy", paired(name, ORACLE, MethodResult::meanAccuracy));
            putSpread(m.putObject("vsLinear"), "meanAccuracy", paired(name, LINEAR, MethodResult::meanAccuracy));
            putSpread(m, "proxyLoss", spread(name, MethodResult::proxyLoss));
            putSpread(m, "realLoss", spread(name, MethodResult::realLoss));
            m.put("seconds", spread(name, MethodResult::seconds).mean());
            ArrayNode coefficients = m.putArray("coefficients");
            ArrayNode atBound = m.putArray("atBound");
            for (SeedRun run : runs) {
                double[] c = run.methods().get(name).coefficients();
                ArrayNode row = coefficients.addArray();
                for (double x : c) {
                    row.add(x);
                }
                atBound.add(atBound(name, c));
            }
        }
        ObjectNode proxy = root.putObject("proxyFidelity");
        putSpread(proxy, "spearman", proxyFidelity());
        ArrayNode perSeed = proxy.putArray("perSeed");
        runs.forEach(r -> perSeed.add(r.proxyFidelity()));
        ObjectNode candidates = proxy.putObject("candidates");
        candidates.put("count", Benchmark.CANDIDATES);
        putSpread(candidates, "spearman", candidateFidelity());
        ArrayNode candidatesPerSeed = candidates.putArray("perSeed");
        runs.forEach(r -> candidatesPerSeed.add(r.candidateFidelity()));
        ArrayNode cosine = root.putArray("adapterCosine");
        runs.forEach(r -> cosine.add(r.adapterCosine()));
        ObjectNode timings = root.putObject("timings");
        timings.put("pretrain", pretrainSeconds);
        ObjectNode train = timings.putObject("train");
        ObjectNode distill = timings.putObject("distill");
        runs.get(0).trainSeconds().keySet().forEach(inst -> {
            train.put(inst, Spread.of(runs.stream().map(r -> r.trainSeconds().get(inst)).toList()).mean());
            distill.put(inst, Spread.of(runs.stream().map(r -> r.distillSeconds().get(inst)).toList()).mean());
        });
        return root;
    }

    /**
     * How many coefficients sit on a bound of their search: fusion's box [-1.5, 1.5], or for a
     * mixture a weight of 0 or 1 (a row that stayed with one member, or a member left out).
     */
    static int atBound(String method, double[] coefficients) {
        MergeOptions o = MergeOptions.defaults();
        int count = 0;
        for (double c : coefficients) {
            boolean bound = method.startsWith("mixture") ? c == 0 || c == 1
                    : method.startsWith("fusion") && (c <= o.lower() + 1e-9 || c >= o.upper() - 1e-9);
            if (bound) {
                count++;
            }
        }
        return count;
    }

    /** One row per method: accuracy per task, mean accuracy and AUC, paired differences, seconds. */
    @Override
    public String table() {
        List<String> tasks = tasks();
        StringBuilder sb = new StringBuilder(String.format("%-16s", "method"));
        tasks.forEach(t -> sb.append(String.format(" %15s", t)));
        sb.append(String.format(" %15s %15s %15s %15s %8s%n", "mean acc", "mean auc", "vs oracle", "vs linear", "seconds"));
        for (String name : methods()) {
            sb.append(String.format("%-16s", name));
            for (String t : tasks) {
                sb.append(String.format(" %15s", spread(name, r -> r.tasks().get(t).accuracy()).format()));
            }
            sb.append(String.format(" %15s %15s %15s %15s %8.2f%n", spread(name, MethodResult::meanAccuracy).format(),
                    spread(name, MethodResult::meanAuc).format(), paired(name, ORACLE, MethodResult::meanAccuracy).format(),
                    paired(name, LINEAR, MethodResult::meanAccuracy).format(), spread(name, MethodResult::seconds).mean()));
        }
        sb.append(String.format("seeds %d; proxy fidelity (Spearman, distilled-set vs real loss) %s over the methods, %s over %d candidates;"
                        + " A-matrix cosine %s%n", runs.size(), proxyFidelity().format(), candidateFidelity().format(), Benchmark.CANDIDATES,
                Spread.of(runs.stream().map(SeedRun::adapterCosine).toList()).format()));
        return sb.toString();
    }

    private static void putSpread(ObjectNode node, String field, Spread s) {
        putNumber(node, field, s.mean());
        putNumber(node, field + "Ci95", s.ci95());
    }

    /** JSON has no NaN: an undefined figure (an interval from one seed, an AUC with one class) is null. */
    private static void putNumber(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }
}
