package dev.medforge.ml.merge;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12: the sample a fusion step reads, bounded whatever the number of tasks, and read in one pass. */
class DistilledSetLossTest {

    /** 60 images of 3 classes and 40 of 2; no forward pass is needed to sample. */
    private static final DistilledSetLoss SETS = new DistilledSetLoss(null, Map.of(
            "tops", TestImages.noise(60, 3, 1), "footwear", TestImages.noise(40, 2, 2), "bags", TestImages.noise(60, 3, 3)));

    @Test
    void aSampleTakesAnEqualShareOfEachTaskAndOfEachOfItsClasses() {
        DistilledSetLoss sample = (DistilledSetLoss) SETS.sample(List.of("tops", "footwear", "bags"), 60, 7);

        assertArrayEquals(new int[] {6, 6, 6}, classCounts(sample.set("tops")), "a share of 20 over 3 classes");
        assertArrayEquals(new int[] {10, 10}, classCounts(sample.set("footwear")), "a share of 20 over 2 classes");
        assertArrayEquals(new int[] {6, 6, 6}, classCounts(sample.set("bags")));
        assertTrue(isDrawnFrom(sample.set("tops"), SETS.set("tops")), "every image sampled is one of the task's own");
    }

    @Test
    void everyClassKeepsAFewImagesWhereTheTasksAreTooManyForTheBound() {
        DistilledSetLoss sample = (DistilledSetLoss) SETS.sample(List.of("tops", "footwear", "bags"), 12, 7);

        assertArrayEquals(new int[] {4, 4, 4}, classCounts(sample.set("tops")), "two for each half of a split");
        assertArrayEquals(new int[] {4, 4}, classCounts(sample.set("footwear")));
        CompositeLoss.Split halves = sample.split();
        DistilledSetLoss search = (DistilledSetLoss) halves.search();
        assertArrayEquals(new int[] {2, 2, 2}, classCounts(search.set("tops")), "both halves hold every class");
    }

    @Test
    void theSameSeedDrawsTheSameImagesAndAnotherSeedOthers() {
        List<String> tasks = List.of("tops", "footwear");
        LabeledImages first = ((DistilledSetLoss) SETS.sample(tasks, 40, 7)).set("tops");

        assertArrayEquals(first.pixels(), ((DistilledSetLoss) SETS.sample(tasks, 40, 7)).set("tops").pixels());
        assertFalse(Arrays.equals(first.pixels(), ((DistilledSetLoss) SETS.sample(tasks, 40, 8)).set("tops").pixels()),
                "the next step reads other images");
        assertArrayEquals(first.pixels(), ((DistilledSetLoss) SETS.sample(List.of("footwear", "tops"), 40, 7)).set("tops").pixels(),
                "a task's draw does not depend on the order of the others");
    }

    @Test
    void setsWithinTheBoundAreReadWhole() {
        assertSame(SETS, SETS.sample(List.of("tops", "footwear", "bags"), 160, 7), "160 images held, 160 allowed");
        assertSame(SETS, SETS.sample(List.of("tops", "footwear"), 100, 7), "only the tasks named count");
        assertSame(SETS, SETS.sample(List.of("tops", "footwear", "bags"), 0, 7), "0 reads every image");
    }

    /**
     * Issue 12: a fused composite's tasks are read in one encoder pass with the heads in Java. It must
     * read what one call per task reads through the tensor head, across a batch boundary (256) and
     * in whatever order the tasks are named.
     */
    @Test
    void aFusedCompositeReadsEveryTaskInOnePassAsOneCallPerTaskWould() {
        BaseModel base = TestAdapters.randomBase(5);
        Adapter tops = TestAdapters.random(base, "tops", 3, 4, 4f, 1);
        Adapter footwear = TestAdapters.random(base, "footwear", 2, 4, 4f, 2);
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("task-arithmetic").merge(
                new MergeRequest(List.of(tops, footwear), MergeOptions.defaults()));
        Map<String, LabeledImages> sets = Map.of("tops", TestImages.noise(12, 3, 1), "footwear", TestImages.noise(300, 2, 2));
        List<String> tasks = List.of("tops", "footwear");
        try (ModelSession session = ModelSession.open(base)) {
            DistilledSetLoss loss = new DistilledSetLoss(session, sets);

            Map<String, float[][]> together = loss.probabilities(fused, List.of("footwear", "tops"));
            assertEquals(List.of("footwear", "tops"), List.copyOf(together.keySet()), "in the order asked");
            double crossEntropy = 0;
            for (String task : tasks) {
                LabeledImages set = sets.get(task);
                float[][] alone = session.probabilities(set.pixels(), set.size(), fused.modules(), fused.head(task));
                assertEquals(set.size(), together.get(task).length);
                for (int i = 0; i < set.size(); i++) {
                    assertArrayEquals(alone[i], together.get(task)[i], 1e-5f, task + " image " + i);
                }
                crossEntropy += CompositeLoss.crossEntropy(CompositeLoss.trueClass(alone, set.labels())) / tasks.size();
            }
            assertEquals(crossEntropy, loss.loss(fused, tasks), 1e-5, "the mean of the tasks' cross-entropies");
            assertTrue(crossEntropy > 0.1, "a random composite on noise is far from certain: " + crossEntropy);
        }
    }

    private static int[] classCounts(LabeledImages set) {
        int[] counts = new int[set.classes()];
        Arrays.stream(set.labels()).forEach(label -> counts[label]++);
        return counts;
    }

    private static boolean isDrawnFrom(LabeledImages sample, LabeledImages set) {
        int d = set.imageSize();
        for (int i = 0; i < sample.size(); i++) {
            float[] image = Arrays.copyOfRange(sample.pixels(), i * d, (i + 1) * d);
            boolean found = false;
            for (int j = 0; j < set.size() && !found; j++) {
                found = set.labels()[j] == sample.labels()[i] && Arrays.equals(image, Arrays.copyOfRange(set.pixels(), j * d, (j + 1) * d));
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
