package dev.medforge.ml.model;

import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.train.Training;
import dev.medforge.ml.train.TrainingRecipe;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class TrainingSmokeTest {

    @Test
    void pretrainThenAdapterBeatsChance() throws Exception {
        Scenario sc = Scenario.load("fashion3").scaled(1024, 1024, 256);
        ScenarioData data = ScenarioData.load(sc);
        long t0 = System.nanoTime();
        BaseModel base = Training.pretrain(VitConfig.fashionDefault(), data.publicPool(), TrainingRecipe.pretrainDefault(1).withEpochs(1), System.out::println);
        long t1 = System.nanoTime();
        System.out.printf("pretrain 1024 imgs: %.2fs%n", (t1 - t0) / 1e9);
        ScenarioData.InstitutionData a = data.institution("hospital-a");
        try (ModelSession s = ModelSession.open(base)) {
            Adapter ad = Training.trainAdapter(s, base.reference(), new Training.TaskData("tops", a.train()),
                    new TrainingRecipe(3, 64, 3e-3f, 3, 8, 8f), System.out::println);
            long t2 = System.nanoTime();
            System.out.printf("adapter 3x1024 imgs: %.2fs%n", (t2 - t1) / 1e9);
            LabeledImages ev = a.eval();
            TaskMetrics m = Scoring.of(s.probabilities(ev.pixels(), ev.size(), ad.modules(), ad.head()), ev.labels());
            System.out.println("tops " + m + " eval " + (System.nanoTime() - t2) / 1e9);
            assertTrue(m.accuracy() > 0.4, m.toString());
        }
    }
}
