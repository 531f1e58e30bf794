package dev.medforge.ml.lora;

import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.Linear;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VisionTransformer;
import dev.medforge.ml.model.VitConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random but well-formed adapters and bases for tests that need no training. */
public final class TestAdapters {
    private TestAdapters() {
    }

    public static BaseModel randomBase(long seed) {
        VitConfig c = VitConfig.fashionDefault();
        return BaseModel.of(c, BaseModel.initialWeights(c, seed));
    }

    public static Adapter random(BaseModel base, String task, int classes, int rank, float alpha, long seed) {
        Random rnd = new Random(seed);
        Map<String, LoraModule> modules = new LinkedHashMap<>();
        for (Map.Entry<String, Linear> e : new VisionTransformer(base.config()).loraTargets().entrySet()) {
            Linear l = e.getValue();
            modules.put(e.getKey(), new LoraModule(rank, l.in(), l.out(), gaussian(rnd, rank * l.in(), 0.1),
                    gaussian(rnd, l.out() * rank, 0.1), alpha / rank));
        }
        int d = base.config().width();
        return new Adapter(task, modules, new TaskHead(classes, d, gaussian(rnd, classes * d, 1), 2.3f), base.reference());
    }

    static float[] gaussian(Random rnd, int n, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * sd);
        }
        return v;
    }
}
