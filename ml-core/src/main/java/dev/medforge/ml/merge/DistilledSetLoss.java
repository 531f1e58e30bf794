package dev.medforge.ml.merge;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cross-entropy of a composite on the distilled sets of the given tasks: the fusion and mixture
 * objective. Only synthetic images are used, never an institution's real data.
 */
public final class DistilledSetLoss implements CompositeLoss {
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

    private LabeledImages set(String task) {
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
            boolean everyClassTwice = java.util.Arrays.stream(seen).allMatch(c -> c >= 2);
            search.put(task, everyClassTwice ? set.select(positions(first)) : set);
            confirm.put(task, everyClassTwice ? set.select(positions(second)) : set);
        });
        return new Split(new DistilledSetLoss(session, search, memo), new DistilledSetLoss(session, confirm, memo));
    }

    private static int[] positions(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }
}
