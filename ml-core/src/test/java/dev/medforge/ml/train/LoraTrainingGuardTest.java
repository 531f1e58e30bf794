package dev.medforge.ml.train;

import static org.junit.jupiter.api.Assertions.*;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.Devices;
import dev.medforge.ml.model.ClassAnchors;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoraTrainingGuardTest {
    private static final BaseModel BASE = TestAdapters.randomBase(5);

    @Test
    void gradientsAboveTheBoundAreScaledToIt() {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            NDArray a = m.create(new float[] {1, 2, 3});
            NDArray b = m.create(new float[] {4, 5});
            AdamState adam = new AdamState(List.of(a, b));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(10).sum().add(b.mul(10).sum()));
            }
            assertEquals(10 * Math.sqrt(5), adam.clipGradientNorm(1f), 1e-4);
            double clipped = Math.sqrt(a.getGradient().square().sum().getFloat() + b.getGradient().square().sum().getFloat());
            assertEquals(1, clipped, 1e-5);
            assertEquals(1, adam.clipGradientNorm(2f), 1e-5, "a norm under the bound is left as it is");
        }
    }

    @Test
    void aFiniteSpikeWhoseFloatSquareOverflowsIsClippedNotReportedNonFinite() {
        try (NDManager m = NDManager.newBaseManager(Devices.preferred())) {
            NDArray a = m.create(new float[] {1, 2});
            AdamState adam = new AdamState(List.of(a));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(a.mul(m.create(new float[] {1e20f, 0})).sum());
            }
            assertEquals(1e20, adam.clipGradientNorm(1f), 1e14);
            assertEquals(1, a.getGradient().getFloat(0), 1e-6);
        }
    }

    @Test
    void multiTaskTrainingAtTheSingleTaskRateStaysFinite() {
        List<Training.TaskData> tasks = List.of(new Training.TaskData("t1", TestImages.noise(192, 3, 1)),
                new Training.TaskData("t2", TestImages.noise(128, 2, 2)));
        try (ModelSession s = ModelSession.open(BASE)) {
            List<Adapter> out = Training.trainLora(s, BASE.reference(), tasks, new TrainingRecipe(2, 64, 3e-3f, 4, 8, 8f), line -> { });
            assertEquals(List.of("t1", "t2"), out.stream().map(Adapter::task).toList());
            for (LoraModule mod : out.get(0).modules().values()) {
                assertTrue(Double.isFinite(mod.deltaNorm()));
            }
        }
    }

    @Test
    void anAnchoredHeadKeepsItsClassEmbeddingsAndTrainsOnlyItsScale() {
        TaskHead anchors = ClassAnchors.head(List.of("Sandal", "Sneaker", "Ankle boot"), BASE.config().width());
        try (ModelSession s = ModelSession.open(BASE)) {
            Adapter a = Training.trainAdapter(s, BASE.reference(), new Training.TaskData("shoes", TestImages.noise(192, 3, 1), anchors),
                    new TrainingRecipe(2, 64, 3e-3f, 4, 8, 8f), line -> { });
            assertArrayEquals(anchors.classEmbeddings(), a.head().classEmbeddings());
            assertNotEquals(anchors.logitScale(), a.head().logitScale(), "the scale is still trained");
        }
    }

    @Test
    void aDivergingRunStopsAndNamesTheNonFiniteGradientNearestTheLoss() {
        List<Training.TaskData> tasks = List.of(new Training.TaskData("t1", TestImages.noise(128, 3, 1)),
                new Training.TaskData("t2", TestImages.noise(128, 2, 2)));
        try (ModelSession s = ModelSession.open(BASE)) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Training.trainLora(s, BASE.reference(), tasks, new TrainingRecipe(4, 64, 1e30f, 4, 8, 8f), line -> { }));
            assertTrue(e.getMessage().matches("(?s).*at epoch \\d+/4, step \\d+/2 .*5 steps in a row.*"), e.getMessage());
            // the loss itself went NaN, so backward was wrong from its first step: at the last task's head
            assertTrue(e.getMessage().matches("(?s).*\\(loss NaN.*: \\d+ of 22 gradients are not finite; the nearest the loss is that of"
                    + " head\\[t2]\\.class_embeddings"), e.getMessage());
        }
    }
}
