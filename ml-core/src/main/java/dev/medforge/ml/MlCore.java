package dev.medforge.ml;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.AdapterValidationException;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeLoss;
import dev.medforge.ml.merge.DistilledSetLoss;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.metrics.Evaluation;
import dev.medforge.ml.metrics.TaskMetrics;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The entry points the services use; each is a thin call into the owning package.
 * <pre>
 * BaseModel base = BaseModel.load(baseDir);
 * Adapter a = MlCore.readAdapter(dir, base, "tops");            // ingest: validate against the base
 * try (ModelSession s = ModelSession.open(base)) {
 *     Composite c = MlCore.merge(s, "fusion", adapters, distilledByTask, MergeOptions.defaults());
 *     Map&lt;String, TaskMetrics&gt; m = MlCore.score(s, c, suites);  // eval: metrics per task
 * }
 * </pre>
 */
public final class MlCore {
    private MlCore() {
    }

    /**
     * Reads a PEFT adapter directory and validates it against {@code base}. The exception's code
     * and field (for example BASE_MODEL_MISMATCH, base_model_name_or_path) make the rejection reason.
     */
    public static Adapter readAdapter(Path dir, BaseModel base, String task) throws AdapterValidationException {
        return PeftAdapterIO.read(dir, base, task);
    }

    /**
     * Merges adapters (arrival order) with a strategy from {@link MergeStrategies#names()}. The
     * distilled sets (task to images) drive the searched strategies and are ignored by the others.
     */
    public static Composite merge(ModelSession session, String strategy, List<Adapter> adapters,
                                  Map<String, LabeledImages> distilledByTask, MergeOptions options) {
        CompositeLoss objective = new DistilledSetLoss(session, distilledByTask);
        return MergeStrategies.get(strategy).merge(new MergeRequest(adapters, options, objective));
    }

    /** Accuracy, macro one-vs-rest AUC and n for every task of the suite the composite covers. */
    public static Map<String, TaskMetrics> score(ModelSession session, Composite composite, Map<String, LabeledImages> suites) {
        return Evaluation.score(session, composite, suites);
    }
}
