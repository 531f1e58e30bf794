package dev.medforge.ml.merge;

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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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

    @Test
    void resumingFromTheParentsProgressGivesExactlyWhatReRunningEveryStepGivesInOneStep() throws Exception {
        Composite.Merged history = fuse(ADAPTERS, null);
        Composite.Merged parent = fuse(ADAPTERS.subList(0, 3), null);
        FusionProgress stored = FusionProgress.read(parent.progress().write());

        Composite.Merged resumed = fuse(ADAPTERS, stored);

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
