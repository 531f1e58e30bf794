package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.TaskHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MedForge-Fusion: an element-wise weighted sum of LoRA factors whose weights are searched to
 * minimise the cross-entropy on the distilled sets of the tasks merged so far, plus l1 times the
 * mean distance from the starting point.
 * <ul>
 *   <li>{@code SEQUENTIAL} (the paper): adapters arrive one at a time; step k searches the weights of
 *       (composite so far, new adapter) on the tasks seen so far, starting at the running linear
 *       point (k/(k+1), 1/(k+1)), so a search that finds nothing leaves the uniform average.</li>
 *   <li>{@code JOINT}: one search over the weights of all adapters at once, from 1/n.</li>
 * </ul>
 * Every search runs on one half of each distilled set and must beat its starting point on the
 * other half, or the start is kept. The result then competes with {@code linear},
 * {@code task-arithmetic} and {@code ties} of the same adapters, judged by how often each one's top
 * class differs from that of every institution's own model (its adapter and head) on the
 * confirming half. The plain merge that disagrees least is returned unless the searched composite
 * disagrees less by a clear lead, one larger than the confirming half's own noise: a search on a
 * few synthetic images overfits easily, and one model that is worse than the plain merges would not
 * earn its search. With {@code perLayer} there is one weight per adapter and module.
 *
 * <p>A step reads at most {@link MergeOptions#images()} distilled images, an equal share of each of
 * its tasks, drawn afresh for each step: a fused encoder changes every task, so a step reading every
 * task's set would cost more with each version (issue 12). The gate still scores every task on its
 * whole evaluation suite.
 *
 * <p>Why that judge. Judged by the cross-entropy the search minimised, on the confirming half, the
 * searched composite won in every fashion3 seed while its real accuracy was 1.8 to 3.9 points below
 * TIES': the halves are one synthetic set, alike. Judged by the KL divergence from the
 * institutions' own models, it still won with a wide lead where it was worse (fashion3 seed 3: 0.19
 * nats against TIES' 0.25, and 4.3 to 4.8 points worse on the evaluation suites), because KL also
 * weighs confidence, which a search on that synthetic set tunes and real accuracy ignores. The top
 * class is what the gate and the institutions measure; judged by it, the same searched composite
 * lost to the plain merges in every seed, and fusion came out level with TIES (fashion3, 3 seeds:
 * 0.723 against 0.723, where the KL judge gave 0.709). Why the clear lead: on fashion5 (seed 3) a
 * searched composite that led by 3% on 15 synthetic images per class was 4.2 points worse on the
 * evaluation suites.
 */
final class FusionMerge implements MergeStrategy {
    enum Mode { SEQUENTIAL, JOINT }

    /** The plain merges fusion must beat. */
    static final List<String> RIVALS = List.of("linear", "task-arithmetic", "ties");

    private final Mode mode;

    FusionMerge(Mode mode) {
        this.mode = mode;
    }

    @Override
    public String name() {
        return mode == Mode.SEQUENTIAL ? "fusion" : "fusion-joint";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> adapters = request.adapters();
        if (adapters.size() == 1) {
            // One adapter is its own best fusion; a rival such as TIES would only trim it.
            return new Composite.Merged(adapters.get(0).modules(), request.heads(), new double[] {1});
        }
        CompositeLoss objective = request.requireObjective(name());
        CompositeLoss lastStep = sampled(objective, request.tasks(), request.options());
        List<String> names = LoraAlgebra.moduleNames(adapters);
        Composite.Merged fused = mode == Mode.JOINT
                ? search(LoraAlgebra.modulesOf(adapters), uniform(adapters.size()), request.heads(), names, lastStep.split(), request.options())
                : sequential(adapters, names, objective, request.options(), request.resumeFrom());
        return closestToTheInstitutions(fused, request, lastStep);
    }

    /**
     * The images a step over the first {@code tasks.size()} adapters reads: a fresh draw for each step
     * (its seed names the step), so the steps of a lineage read different images of each set, and a
     * step resumed from stored progress reads what it read when the whole history ran.
     */
    private static CompositeLoss sampled(CompositeLoss objective, List<String> tasks, MergeOptions o) {
        return objective.sample(tasks.stream().distinct().toList(), o.images(), o.seed() * 1_000_003L + tasks.size());
    }

    /**
     * The paper's pairwise steps; with {@code resume} covering the first adapters, only the steps for
     * the others run. The trace holds the steps this call ran.
     */
    private static Composite.Merged sequential(List<Adapter> adapters, List<String> names, CompositeLoss objective, MergeOptions o,
                                               FusionProgress resume) {
        Map<String, LoraModule> current = adapters.get(0).modules();
        List<Double> coefficients = new ArrayList<>(List.of(1.0));
        List<SearchStep> trace = new ArrayList<>();
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        heads.put(adapters.get(0).task(), adapters.get(0).head());
        int first = 1;
        if (resume != null && resume.resumes(adapters.size(), o)) {
            current = resume.running();
            coefficients = new ArrayList<>(Arrays.stream(resume.coefficients()).boxed().toList());
            adapters.subList(1, resume.members()).forEach(a -> heads.put(a.task(), a.head()));
            first = resume.members();
        }
        for (int k = first; k < adapters.size(); k++) {
            heads.put(adapters.get(k).task(), adapters.get(k).head());
            double[] runningLinear = {k / (k + 1.0), 1 / (k + 1.0)};
            List<String> tasks = adapters.subList(0, k + 1).stream().map(Adapter::task).toList();
            Composite.Merged step = search(List.of(current, adapters.get(k).modules()), runningLinear, new LinkedHashMap<>(heads),
                    names, sampled(objective, tasks, o).split(), o);
            current = step.modules();
            trace.addAll(step.searchTrace());
            if (k == 1) {
                coefficients.clear();
            }
            Arrays.stream(step.coefficients()).forEach(coefficients::add);
        }
        double[] steps = coefficients.stream().mapToDouble(Double::doubleValue).toArray();
        return new Composite.Merged(current, heads, steps, trace,
                new FusionProgress(current, steps, adapters.size(), FusionProgress.fingerprint(o)));
    }

    /** One search from {@code start} (per item, expanded per module if asked), confirmed against the start. */
    private static Composite.Merged search(List<Map<String, LoraModule>> items, double[] start, Map<String, TaskHead> heads,
                                           List<String> names, CompositeLoss.Split halves, MergeOptions o) {
        int perItem = o.perLayer() ? names.size() : 1;
        double[] from = new double[items.size() * perItem];
        for (int i = 0; i < from.length; i++) {
            from[i] = start[i / perItem];
        }
        List<String> tasks = List.copyOf(heads.keySet());
        CoefficientSearch.Result r = CoefficientSearch.minimise(
                w -> halves.search().loss(new Composite.Merged(combine(items, names, w, perItem), heads, w), tasks), from, o);
        Composite.Merged found = new Composite.Merged(combine(items, names, r.best(), perItem), heads, r.best(), r.trace());
        Composite.Merged origin = new Composite.Merged(combine(items, names, from, perItem), heads, from, r.trace());
        return halves.confirm().loss(found, tasks) <= halves.confirm().loss(origin, tasks) ? found : origin;
    }

    /**
     * The rivals tune what they tune (TIES' λ) on the search half, as the search did, so one judge
     * weighs all alike. The rival that disagrees least is the default; the searched composite replaces
     * it only with a clear lead ({@link Divergences#clearlyBelow}). A rival that wins is then merged
     * again with both halves of the step's images (the whole distilled sets up to
     * {@link MergeOptions#images()}), as that method alone would be: the judge chose the
     * method, and half the data would only make its λ noisier (fashion5, seed 3: TIES at the λ of
     * the search half was 2.2 points below TIES at the λ of both halves).
     */
    private Composite closestToTheInstitutions(Composite.Merged fused, MergeRequest request, CompositeLoss sample) {
        CompositeLoss.Split halves = sample.split();
        List<String> tasks = request.tasks().stream().distinct().toList();
        Divergences.Reference own = Divergences.Reference.of(halves.confirm(), Composite.Mixture.routed(request.adapters(), request.heads()), tasks);
        String bestRival = null;
        Divergences bestDisagreements = null;
        for (String rival : RIVALS) {
            Divergences disagreements = own.disagreementsOf(MergeStrategies.get(rival).merge(new MergeRequest(request.adapters(),
                    MergeOptions.defaults(), halves.search())));
            if (bestRival == null || disagreements.mean() < bestDisagreements.mean()) {
                bestRival = rival;
                bestDisagreements = disagreements;
            }
        }
        Composite.Merged winner = own.disagreementsOf(fused).clearlyBelow(bestDisagreements) ? fused
                : (Composite.Merged) MergeStrategies.get(bestRival).merge(new MergeRequest(request.adapters(), MergeOptions.defaults(),
                        sample));
        return new Composite.Merged(winner.modules(), winner.heads(), winner.coefficients(), fused.searchTrace(), fused.progress());
    }

    private static double[] uniform(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0 / n);
        return w;
    }

    /** Expands a flat coefficient vector (per adapter, or per adapter and module) and combines. */
    static Map<String, LoraModule> combine(List<Map<String, LoraModule>> items, List<String> names, double[] w, int perItem) {
        double[][] weights = new double[items.size()][names.size()];
        for (int i = 0; i < items.size(); i++) {
            for (int m = 0; m < names.size(); m++) {
                weights[i][m] = w[i * perItem + (perItem == 1 ? 0 : m)];
            }
        }
        return LoraAlgebra.elementwise(items, names, weights);
    }
}
