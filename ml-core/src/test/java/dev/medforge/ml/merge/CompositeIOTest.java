package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.TaskHead;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class CompositeIOTest {

    private static final BaseModel BASE = TestAdapters.randomBase(31);
    private static final Adapter TOPS = TestAdapters.random(BASE, "tops", 4, 8, 16f, 32);
    private static final Adapter FOOTWEAR = TestAdapters.random(BASE, "footwear", 3, 8, 8f, 33);

    @Test
    void aFusedCompositeRoundTripsWithTheSameDeltasHeadsAndCoefficients() throws Exception {
        Composite merged = MergeStrategies.get("linear").merge(new MergeRequest(List.of(TOPS, FOOTWEAR), MergeOptions.defaults()));

        CompositeIO.Loaded loaded = CompositeIO.read(CompositeIO.write(merged, BASE.reference(), "{\"members\":2}"));

        Composite.Merged back = assertInstanceOf(Composite.Merged.class, loaded.composite());
        assertEquals(BASE.reference(), loaded.baseReference());
        assertEquals("{\"members\":2}", loaded.lineage());
        assertArrayEquals(merged.coefficients(), back.coefficients());
        Map<String, LoraModule> original = ((Composite.Merged) merged).modules();
        assertEquals(original.keySet(), back.modules().keySet());
        original.forEach((name, module) -> assertArrayEquals(module.delta(), back.modules().get(name).delta(), 1e-5));
        assertHeadsEqual(merged.heads(), back.heads());
    }

    @Test
    void aMixtureKeepsItsMembersApart() throws Exception {
        Composite mixture = new Composite.Mixture(List.of(TOPS, FOOTWEAR), new double[] {0.25, 0.75},
                Map.of("tops", TOPS.head(), "footwear", FOOTWEAR.head()));

        Composite.Mixture back = assertInstanceOf(Composite.Mixture.class,
                CompositeIO.read(CompositeIO.write(mixture, BASE.reference(), "")).composite());

        assertEquals(List.of("tops", "footwear"), back.members().stream().map(Adapter::task).toList());
        assertArrayEquals(new double[] {0.25, 0.75}, back.coefficients());
        TOPS.modules().forEach((name, m) -> assertArrayEquals(m.delta(), back.members().get(0).modules().get(name).delta(), 1e-5));
        assertHeadsEqual(mixture.heads(), back.heads());
    }

    private static void assertHeadsEqual(Map<String, TaskHead> expected, Map<String, TaskHead> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((task, head) -> {
            assertArrayEquals(head.classEmbeddings(), actual.get(task).classEmbeddings());
            assertEquals(head.logitScale(), actual.get(task).logitScale());
        });
    }
}
