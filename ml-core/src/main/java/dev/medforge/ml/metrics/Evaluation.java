package dev.medforge.ml.metrics;

import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.model.ModelSession;

import java.util.LinkedHashMap;
import java.util.Map;

/** Scores composites on evaluation suites, one suite per task. */
public final class Evaluation {
    private Evaluation() {
    }

    /**
     * Metrics per task for every suite whose task the composite has a head for.
     *
     * @param suites task name to labelled images (labels task-local)
     */
    public static Map<String, TaskMetrics> score(ModelSession session, Composite composite, Map<String, LabeledImages> suites) {
        Map<String, TaskMetrics> out = new LinkedHashMap<>();
        suites.forEach((task, suite) -> {
            if (composite.heads().containsKey(task)) {
                out.put(task, Scoring.of(composite.scores(session, task, suite.pixels(), suite.size()), suite.labels()));
            }
        });
        return out;
    }
}
