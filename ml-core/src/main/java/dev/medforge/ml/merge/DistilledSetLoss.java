package dev.medforge.ml.merge;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cross-entropy of a composite on the distilled sets of the given tasks: the fusion and mixture
 * objective. Only synthetic images are used, never an institution's real data.
 */
public final class DistilledSetLoss implements CompositeLoss {
    /** The fewest images of a class a sample keeps: two for each half of a split. */
    static final int MIN_PER_CLASS = 4;

    private final ModelSession session;
    private final Map<String, LabeledImages> distilled;
    private final MemberOutputMemo memo;
    /** Each task's set digest for the memo, hashed once: every member of every row searched asks for it. */
    private final Map<String, String> setDigests = new ConcurrentHashMap<>();
    /**
     * Each member's modules digest for the memo, hashed once: a member is asked about under every
     * task's head. By identity, as every row searched passes the same adapter's modules, which do not
     * change during a merge (and this loss lives for one merge).
     */
    private final Map<Map<String, LoraModule>, String> moduleDigests = Collections.synchronizedMap(new IdentityHashMap<>());

    /** The images of each list of tasks a search asks about, joined once for all the points it tries. */
    private final Map<List<String>, Joined> joined = new ConcurrentHashMap<>();

    public DistilledSetLoss(ModelSession session, Map<String, LabeledImages> distilledByTask) {
        this(session, distilledByTask, null);
    }

    /** @param memo remembers members' outputs between merges; null to run every member asked about */
    public DistilledSetLoss(ModelSession session, Map<String, LabeledImages> distilledByTask, MemberOutputMemo memo) {
        this.session = session;
        this.distilled = Map.copyOf(distilledByTask);
        this.memo = memo;
    }

    @Override
    public double[] trueClassProbabilities(Composite composite, String task) {
        return CompositeLoss.trueClass(probabilities(composite, task), set(task).labels());
    }

    @Override
    public double[] memberTrueClassProbabilities(Map<String, LoraModule> member, TaskHead head, String task) {
        if (memo == null) {
            return CompositeLoss.super.memberTrueClassProbabilities(member, head, task);
        }
        return memo.trueClassProbabilities(moduleDigests.computeIfAbsent(member, MemberKey::modules), head,
                setDigests.computeIfAbsent(task, t -> MemberKey.of(set(t))),
                () -> CompositeLoss.super.memberTrueClassProbabilities(member, head, task));
    }

    @Override
    public float[][] probabilities(Composite composite, String task) {
        LabeledImages set = set(task);
        return composite.scores(session, task, set.pixels(), set.size());
    }

    /** A fused composite's tasks share one encoder, so all their images go through it in one pass. */
    @Override
    public Map<String, float[][]> probabilities(Composite composite, List<String> tasks) {
        if (!(composite instanceof Composite.Merged merged)) {
            return CompositeLoss.super.probabilities(composite, tasks);
        }
        Joined images = joined.computeIfAbsent(List.copyOf(tasks), this::join);
        float[][] all = session.probabilities(images.pixels(), images.counts(), merged.modules(), tasks.stream().map(merged::head).toList());
        Map<String, float[][]> p = new LinkedHashMap<>();
        int from = 0;
        for (int t = 0; t < tasks.size(); t++) {
            p.put(tasks.get(t), Arrays.copyOfRange(all, from, from + images.counts()[t]));
            from += images.counts()[t];
        }
        return p;
    }

    @Override
    public double loss(Composite composite, List<String> tasks) {
        Map<String, float[][]> p = probabilities(composite, tasks);
        double total = 0;
        for (String task : tasks) {
            total += CompositeLoss.crossEntropy(CompositeLoss.trueClass(p.get(task), set(task).labels()));
        }
        return total / tasks.size();
    }

    /** Every image of some tasks, one task after another, with each task's count. */
    private record Joined(float[] pixels, int[] counts) { }

    private Joined join(List<String> tasks) {
        List<LabeledImages> sets = tasks.stream().map(this::set).toList();
        int[] counts = sets.stream().mapToInt(LabeledImages::size).toArray();
        int d = sets.get(0).imageSize();
        float[] pixels = new float[Arrays.stream(counts).sum() * d];
        int at = 0;
        for (LabeledImages set : sets) {
            System.arraycopy(set.pixels(), 0, pixels, at * d, set.size() * d);
            at += set.size();
        }
        return new Joined(pixels, counts);
    }

    /**
     * Each task's share is spread evenly over its classes, with at least {@link #MIN_PER_CLASS} of each
     * (two for each half of {@link #split()}), so a task of many classes is not read through a few of
     * them. The images keep their order in the set. Each task draws from its own stream of the seed,
     * so a task's draw does not depend on which other tasks are sampled with it.
     */
    @Override
    public CompositeLoss sample(List<String> tasks, int images, long seed) {
        int held = tasks.stream().mapToInt(task -> set(task).size()).sum();
        if (images <= 0 || held <= images) {
            return this;
        }
        int share = images / tasks.size();
        Map<String, LabeledImages> drawn = new LinkedHashMap<>();
        for (String task : tasks) {
            LabeledImages set = set(task);
            int perClass = Math.max(MIN_PER_CLASS, share / set.classes());
            SplittableRandom random = new SplittableRandom(seed ^ task.hashCode() * 0x9E3779B97F4A7C15L);
            List<Integer> kept = new ArrayList<>();
            for (int c = 0; c < set.classes(); c++) {
                List<Integer> ofClass = new ArrayList<>();
                for (int i = 0; i < set.size(); i++) {
                    if (set.labels()[i] == c) {
                        ofClass.add(i);
                    }
                }
                for (int i = ofClass.size() - 1; i > 0; i--) {
                    Collections.swap(ofClass, i, random.nextInt(i + 1));
                }
                kept.addAll(ofClass.subList(0, Math.min(perClass, ofClass.size())));
            }
            Collections.sort(kept);
            drawn.put(task, set.select(positions(kept)));
        }
        return new DistilledSetLoss(session, drawn, memo);
    }

    LabeledImages set(String task) {
        LabeledImages set = distilled.get(task);
        if (set == null) {
            throw new IllegalArgumentException("no distilled set for task " + task);
        }
        return set;
    }

    /**
     * Alternate images of each class go to each half, so both halves hold every class (a set of one
     * image per class has nothing to confirm on and is used whole by both).
     */
    @Override
    public Split split() {
        Map<String, LabeledImages> search = new LinkedHashMap<>();
        Map<String, LabeledImages> confirm = new LinkedHashMap<>();
        distilled.forEach((task, set) -> {
            List<Integer> first = new ArrayList<>();
            List<Integer> second = new ArrayList<>();
            int[] seen = new int[set.classes()];
            for (int i = 0; i < set.size(); i++) {
                (seen[set.labels()[i]]++ % 2 == 0 ? first : second).add(i);
            }
            boolean everyClassTwice = Arrays.stream(seen).allMatch(c -> c >= 2);
            search.put(task, everyClassTwice ? set.select(positions(first)) : set);
            confirm.put(task, everyClassTwice ? set.select(positions(second)) : set);
        });
        return new Split(new DistilledSetLoss(session, search, memo), new DistilledSetLoss(session, confirm, memo));
    }

    private static int[] positions(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
