package dev.medforge.ml.merge;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: a new version resumes sequential fusion from where its parent stood, and gets exactly
 * the composite that re-running every step from the first adapter gives, at the cost of one step.
 */
class FusionProgressTest {

    private static final BaseModel BASE = TestAdapters.randomBase(8);
    private static final List<Adapter> ADAPTERS = List.of(
            TestAdapters.random(BASE, "tops", 4, 8, 8f, 61),
            TestAdapters.random(BASE, "footwear", 3, 8, 8f, 62),
            TestAdapters.random(BASE, "garments", 3, 8, 8f, 63),
            TestAdapters.random(BASE, "bags", 3, 8, 8f, 64));
    private static final MergeOptions OPTIONS = MergeOptions.defaults();
    private static final MergeStrategy FUSION = MergeStrategies.get("fusion");
    private static ModelSession session;
    private static DistilledSetLoss objective;

    @BeforeAll
    static void open() {
        session = ModelSession.open(BASE);
        objective = new DistilledSetLoss(session, Map.of("tops", SearchedMergeTest.noise(4, 1), "footwear", SearchedMergeTest.noise(3, 2),
                "garments", SearchedMergeTest.noise(3, 3), "bags", SearchedMergeTest.noise(3, 4)));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /** 40 of the sets' 65 images: each step samples its own, and a resumed step must draw what it drew in the whole history. */
    @ParameterizedTest(name = "images {0}")
    @ValueSource(ints = {480, 40})
    void resumingFromTheParentsProgressGivesExactlyWhatReRunningEveryStepGivesInOneStep(int images) throws Exception {
        MergeOptions options = OPTIONS.withImages(images);
        Composite.Merged history = fuse(ADAPTERS, null, options);
        Composite.Merged parent = fuse(ADAPTERS.subList(0, 3), null, options);
        FusionProgress stored = FusionProgress.read(parent.progress().write());

        Composite.Merged resumed = fuse(ADAPTERS, stored, options);

        assertSameModules(history.modules(), resumed.modules());
        assertArrayEquals(history.coefficients(), resumed.coefficients());
        assertArrayEquals(history.progress().coefficients(), resumed.progress().coefficients());
        assertSameModules(history.progress().running(), resumed.progress().running());
        assertEquals(4, resumed.progress().members());
        assertEquals(history.heads().keySet(), resumed.heads().keySet());
        int steps = 3;
        assertTrue(resumed.searchTrace().size() * steps <= history.searchTrace().size() + steps,
                "one step's search instead of three: " + resumed.searchTrace().size() + " against " + history.searchTrace().size());
    }

    @Test
    void progressMadeUnderOtherOptionsIsNotResumed() {
        FusionProgress otherSeed = fuse(ADAPTERS.subList(0, 3), null, OPTIONS.withSeed(7)).progress();
        Composite.Merged history = fuse(ADAPTERS, null);

        Composite.Merged resumed = fuse(ADAPTERS, otherSeed);

        assertNotEquals(otherSeed.fingerprint(), history.progress().fingerprint());
        assertSameModules(history.modules(), resumed.modules());
        assertEquals(history.searchTrace().size(), resumed.searchTrace().size(), "every step ran again");
    }

    /**
     * A version's step reads the same number of images at 6 tasks as at 2 under the image bound,
     * where without it a step reads all of every task's set (120 images each).
     */
    @Test
    void aFusionStepReadsAboutAsManyImagesAtSixTasksAsAtTwoUnderTheImageBound() {
        List<String> tasks = List.of("t1", "t2", "t3", "t4", "t5", "t6");
        List<Adapter> six = new ArrayList<>();
        Map<String, LabeledImages> sets = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            six.add(TestAdapters.random(BASE, tasks.get(t), 3, 8, 8f, 70 + t));
            sets.put(tasks.get(t), TestImages.noise(120, 3, 80 + t));
        }
        DistilledSetLoss objective = new DistilledSetLoss(session, sets);
        MergeOptions bounded = OPTIONS.withImages(96).withBudget(8);

        long atTwo = imagesReadByTheLastStep(six.subList(0, 2), objective, bounded);
        long atSix = imagesReadByTheLastStep(six, objective, bounded);
        long atSixUnbounded = imagesReadByTheLastStep(six, objective, bounded.withImages(0));

        assertTrue(atSix <= atTwo * 1.1, "6 tasks read " + atSix + " images, 2 tasks " + atTwo);
        assertTrue(atSixUnbounded > 3 * atSix, "without the bound 6 tasks read " + atSixUnbounded + " images, with it " + atSix);
    }

    /** The images one version's fusion asks the model about, its parent's progress resumed. */
    private static long imagesReadByTheLastStep(List<Adapter> adapters, CompositeLoss objective, MergeOptions options) {
        FusionProgress parent = adapters.size() > 2 ? ((Composite.Merged) FUSION.merge(new MergeRequest(adapters.subList(0, adapters.size() - 1),
                options, objective))).progress() : null;
        AtomicLong images = new AtomicLong();
        Composite.Merged merged = (Composite.Merged) FUSION.merge(new MergeRequest(adapters, options, new Counting(objective, images))
                .resumingFrom(parent));
        assertEquals(adapters.size(), merged.heads().size());
        return images.get();
    }

    /** Counts the images the model is asked about, through every sample and half of the loss it wraps. */
    private record Counting(CompositeLoss inner, AtomicLong images) implements CompositeLoss {
        @Override
        public double[] trueClassProbabilities(Composite composite, String task) {
            double[] p = inner.trueClassProbabilities(composite, task);
            images.addAndGet(p.length);
            return p;
        }

        @Override
        public float[][] probabilities(Composite composite, String task) {
            float[][] p = inner.probabilities(composite, task);
            images.addAndGet(p.length);
            return p;
        }

        @Override
        public Split split() {
            Split halves = inner.split();
            return new Split(new Counting(halves.search(), images), new Counting(halves.confirm(), images));
        }

        @Override
        public CompositeLoss sample(List<String> tasks, int count, long seed) {
            return new Counting(inner.sample(tasks, count, seed), images);
        }
    }

    @Test
    void aFileThatIsNotFusionProgressIsRefused() throws Exception {
        byte[] composite = CompositeIO.write(fuse(ADAPTERS.subList(0, 2), null), BASE, "{}", Map.of());
        assertThrows(SafetensorsFormatException.class, () -> FusionProgress.read(composite));
        byte[] merged = new SafetensorsWriter().metadata("kind", "merged").toBytes();
        SafetensorsFormatException wrongKind = assertThrows(SafetensorsFormatException.class, () -> FusionProgress.read(merged));
        assertTrue(wrongKind.getMessage().contains("not a fusion progress file: kind merged"), wrongKind.getMessage());
        assertThrows(SafetensorsFormatException.class, () -> FusionProgress.read("garbage".getBytes(StandardCharsets.UTF_8)));
    }

    private static Composite.Merged fuse(List<Adapter> adapters, FusionProgress resume) {
        return fuse(adapters, resume, OPTIONS);
    }

    private static Composite.Merged fuse(List<Adapter> adapters, FusionProgress resume, MergeOptions options) {
        return (Composite.Merged) FUSION.merge(new MergeRequest(adapters, options, objective).resumingFrom(resume));
    }

    private static void assertSameModules(Map<String, LoraModule> expected, Map<String, LoraModule> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, module) -> {
            assertArrayEquals(module.withUnitScale().a(), actual.get(name).withUnitScale().a(), name + " A");
            assertArrayEquals(module.withUnitScale().b(), actual.get(name).withUnitScale().b(), name + " B");
        });
    }
}
