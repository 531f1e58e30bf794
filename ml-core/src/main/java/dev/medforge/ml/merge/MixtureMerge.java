package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.model.TaskHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MedForge-Mixture, task-conditioned: one row of weights per task. Each row starts at the task's own
 * member alone (one-hot), which is exactly the per-task oracle, and moves towards the EM optimum
 * found on one half of the task's distilled set only as far as the other half confirms, so a
 * composite never gives up a task's own adapter on the word of a few synthetic images.
 * <p>
 * Only the latest member of each task may join a row: a later adapter of a task replaces the earlier
 * ones (its head serves the task). Of those, only members whose task names one of the task's classes
 * may join its row ({@link MergeRequest#classNames()});
 * on tasks with disjoint classes, or with class names unknown, the mixture is routing. Another
 * member runs under a head it was not trained with, so it can help only where it knows something
 * about the task's classes. Without this rule the quick bench with 1,000-step distilled sets moved
 * {@code garments}' row wholly (and, capped at one half, halfway) onto {@code tops}' adapter in all
 * 3 seeds, for 18 (and 14) points of real accuracy lost: weak adapters and synthetic images agree
 * on the wrong member often enough to pass the confirming half. In the trace, {@code loss} is the
 * search half's loss and {@code objective} the confirming half's, for every point of the path tried.
 * <p>
 * A distilled set is a credible judge only if the task's own adapter classifies it better than
 * chance (its cross-entropy below ln C for C classes). A set its own adapter cannot read says
 * nothing about the task, and trusting it moved rows onto other members and cost real accuracy,
 * so such a task stays with its own member.
 */
final class MixtureMerge implements MergeStrategy {
    /** Smallest gain on the confirming half, in nats, that justifies leaving the own member. */
    static final double MIN_GAIN = 0.01;
    private static final int PATH_STEPS = 10;

    @Override
    public String name() {
        return "mixture";
    }

    @Override
    public Composite merge(MergeRequest request) {
        List<Adapter> members = request.adapters();
        if (request.options().weights() != null) {
            return Composite.Mixture.global(members, request.options().weights(), request.heads(), List.of());
        }
        CompositeLoss.Split halves = request.requireObjective(name()).split();
        Map<String, double[]> rows = new LinkedHashMap<>();
        List<SearchStep> trace = new ArrayList<>();
        for (Map.Entry<String, TaskHead> task : request.heads().entrySet()) {
            double[] own = new double[members.size()];
            own[Composite.Mixture.ownMember(members, task.getKey())] = 1;
            double[] eligible = eligible(request, task.getKey(), own);
            double[] kept = parentRow(request, task.getKey(), eligible);
            if (kept != null) {
                rows.put(task.getKey(), kept);
                continue;
            }
            List<double[][]> search = List.<double[][]>of(MixtureWeights.likelihoods(halves.search(), members, task.getKey(), task.getValue(), eligible));
            List<double[][]> confirm = List.<double[][]>of(MixtureWeights.likelihoods(halves.confirm(), members, task.getKey(), task.getValue(), eligible));
            double[] optimum = MixtureWeights.solve(search, eligible);
            double chance = Math.log(task.getValue().classes());
            boolean credible = (MixtureWeights.loss(search, own) + MixtureWeights.loss(confirm, own)) / 2 < chance;
            double[] row = confirmedRow(own, optimum, search, confirm, trace);
            rows.put(task.getKey(), credible ? row : own);
        }
        return new Composite.Mixture(members, rows, request.heads(), trace);
    }

    /**
     * The parent's row for the task, widened with zeros for the new members, when none of them may join
     * the row: a row depends only on its eligible members and their outputs on the task's distilled
     * set, so it would come out the same, and a version then costs the rows its new members touch
     * rather than every row (issue 12). Null when the row must be computed.
     */
    private static double[] parentRow(MergeRequest request, String task, double[] eligible) {
        double[] parent = request.parentRows().get(task);
        if (parent == null) {
            return null;
        }
        for (int m = parent.length; m < eligible.length; m++) {
            if (eligible[m] > 0) {
                return null;
            }
        }
        return Arrays.copyOf(parent, eligible.length);
    }

    /**
     * Uniform over the own member and the current members that share a class with the task; EM keeps
     * the others at zero. A member is current while no later member was trained for its task: the
     * later one's head serves the task ({@link Composite.Mixture#ownMember}), so a replaced member
     * could run only under a head it was not trained with. Letting it in also made a version cost one
     * forward pass per earlier round of the task, since each round brings the task a new head and a
     * new distilled set (issue 12).
     */
    private static double[] eligible(MergeRequest request, String task, double[] own) {
        double[] start = own.clone();
        List<Adapter> members = request.adapters();
        Set<String> later = new HashSet<>();
        for (int m = start.length - 1; m >= 0; m--) {
            String memberTask = members.get(m).task();
            if (later.add(memberTask) && request.shareAClass(task, memberTask)) {
                start[m] = 1;
            }
        }
        return start;
    }

    /** The point on the segment from {@code own} to {@code optimum} that the confirming half prefers. */
    private static double[] confirmedRow(double[] own, double[] optimum, List<double[][]> search, List<double[][]> confirm,
                                         List<SearchStep> trace) {
        double[] best = own;
        double ownConfirm = MixtureWeights.loss(confirm, own);
        double ownSearch = MixtureWeights.loss(search, own);
        double bestConfirm = ownConfirm;
        trace.add(new SearchStep(trace.size() + 1, own, ownSearch, ownConfirm));
        for (int step = 1; step <= PATH_STEPS; step++) {
            double t = (double) step / PATH_STEPS;
            double[] row = new double[own.length];
            for (int m = 0; m < row.length; m++) {
                row[m] = (1 - t) * own[m] + t * optimum[m];
            }
            double searchLoss = MixtureWeights.loss(search, row);
            double confirmLoss = MixtureWeights.loss(confirm, row);
            trace.add(new SearchStep(trace.size() + 1, row, searchLoss, confirmLoss));
            if (searchLoss <= ownSearch && confirmLoss < bestConfirm && confirmLoss <= ownConfirm - MIN_GAIN) {
                best = row;
                bestConfirm = confirmLoss;
            }
        }
        return MixtureWeights.pruned(best);
    }
}
