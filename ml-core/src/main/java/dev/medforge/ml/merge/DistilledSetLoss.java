package dev.medforge.ml.merge;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.model.ModelSession;
import java.util.List;
import java.util.Map;

/**
 * Mean cross-entropy of a composite on the distilled sets of the given tasks: the fusion and
 * mixture objective. Only synthetic images are used, never an institution's real data.
 */
public final class DistilledSetLoss implements CompositeLoss {
    private final ModelSession session;
    private final Map<String, LabeledImages> distilled;

    public DistilledSetLoss(ModelSession session, Map<String, LabeledImages> distilledByTask) {
        this.session = session;
        this.distilled = Map.copyOf(distilledByTask);
    }

    @Override
    public double loss(Composite composite, List<String> tasks) {
        double total = 0;
        for (String task : tasks) {
            LabeledImages set = distilled.get(task);
            if (set == null) {
                throw new IllegalArgumentException("no distilled set for task " + task);
            }
            float[][] p = composite.scores(session, task, set.pixels(), set.size());
            double ce = 0;
            for (int i = 0; i < p.length; i++) {
                ce -= Math.log(Math.max(p[i][set.labels()[i]], 1e-7));
            }
            total += ce / p.length;
        }
        return total / tasks.size();
    }
}
