package dev.medforge.ml.merge;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.model.VitConfig;
import org.junit.jupiter.api.Test;

import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.safetensors.SafetensorsReader;
import dev.medforge.ml.safetensors.SafetensorsWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompositeIOTest {

    private static final BaseModel BASE = TestAdapters.randomBase(31);
    private static final Adapter TOPS = TestAdapters.random(BASE, "tops", 4, 8, 16f, 32);
    private static final Adapter FOOTWEAR = TestAdapters.random(BASE, "footwear", 3, 8, 8f, 33);
    private static final Map<String, List<String>> CLASS_NAMES = Map.of(
            "tops", List.of("T-shirt/top", "Pullover", "Coat", "Shirt"), "footwear", List.of("Sandal", "Sneaker", "Ankle boot"));

    @Test
    void aFusedCompositeRoundTripsWithTheSameDeltasHeadsAndCoefficients() throws Exception {
        Composite merged = MergeStrategies.get("linear").merge(new MergeRequest(List.of(TOPS, FOOTWEAR), MergeOptions.defaults()));

        CompositeIO.Loaded loaded = CompositeIO.read(CompositeIO.write(merged, BASE, "{\"members\":2}", CLASS_NAMES));

        Composite.Merged back = assertInstanceOf(Composite.Merged.class, loaded.composite());
        assertEquals(BASE.reference(), loaded.baseReference());
        assertEquals("{\"members\":2}", loaded.lineage());
        assertArrayEquals(merged.coefficients(), back.coefficients());
        Map<String, LoraModule> original = ((Composite.Merged) merged).modules();
        assertEquals(original.keySet(), back.modules().keySet());
        original.forEach((name, module) -> assertArrayEquals(module.delta(), back.modules().get(name).delta(), 1e-5));
        assertHeadsEqual(merged.heads(), back.heads());
        assertEquals(CLASS_NAMES, loaded.classNames());
        assertEquals("Coat", loaded.className("tops", 2));
        assertEquals(BASE.config(), VitConfig.parse(loaded.architecture()));
    }

    @Test
    void aFileNamesEachHeadsRowsWithTheirDatasetLabelsWhereTheNamesAreFashionMnistClasses() throws Exception {
        Composite merged = MergeStrategies.get("linear").merge(new MergeRequest(List.of(TOPS, FOOTWEAR), MergeOptions.defaults()));
        byte[] bytes = CompositeIO.write(merged, BASE, "", Map.of("tops", CLASS_NAMES.get("tops"), "footwear", List.of("sandal", "boot", "x")));

        Map<String, String> meta = new SafetensorsReader(1 << 20, java.util.Set.of("format", "kind", "coefficients", "base", "architecture",
                "class_names", "dataset_labels", "lineage")).read(bytes).metadata();
        assertEquals("{\"tops\":[0,2,4,6]}", meta.get("dataset_labels"), "footwear's names are not all Fashion-MNIST classes, so it has none");
        assertEquals("class 7", CompositeIO.read(bytes).className("tops", 7));
    }

    @Test
    void aMixtureKeepsItsMembersApartAndItsPerTaskWeights() throws Exception {
        Map<String, double[]> rows = new LinkedHashMap<>();
        rows.put("tops", new double[] {0.75, 0.25});
        rows.put("footwear", new double[] {0.0, 1.0});
        Composite mixture = new Composite.Mixture(List.of(TOPS, FOOTWEAR), rows, heads());

        Composite.Mixture back = assertInstanceOf(Composite.Mixture.class,
                CompositeIO.read(CompositeIO.write(mixture, BASE, "", Map.of())).composite());

        assertEquals(List.of("tops", "footwear"), back.members().stream().map(Adapter::task).toList());
        assertEquals(rows.keySet(), back.weights().keySet());
        rows.forEach((task, row) -> assertArrayEquals(row, back.weights().get(task), 1e-7));
        TOPS.modules().forEach((name, m) -> assertArrayEquals(m.delta(), back.members().get(0).modules().get(name).delta(), 1e-5));
        assertHeadsEqual(mixture.heads(), back.heads());
    }

    @Test
    void aMixtureWrittenBeforePerTaskWeightsIsReadWithItsVectorAsEveryRow() throws Exception {
        byte[] old = new SafetensorsWriter().metadata("format", "pt").metadata("base", BASE.reference())
                .metadata("kind", "mixture").metadata("member_tasks", "tops,footwear").metadata("coefficients", "0.5,1.5")
                .putF32("heads.tops.class_embeddings", TOPS.head().classEmbeddings(), 4, TOPS.head().width())
                .putF32("heads.tops.logit_scale", new float[] {TOPS.head().logitScale()}, 1)
                .putF32("heads.footwear.class_embeddings", FOOTWEAR.head().classEmbeddings(), 3, FOOTWEAR.head().width())
                .putF32("heads.footwear.logit_scale", new float[] {FOOTWEAR.head().logitScale()}, 1)
                .toBytes();

        Composite.Mixture back = assertInstanceOf(Composite.Mixture.class, CompositeIO.read(old).composite());

        assertArrayEquals(new double[] {0.5, 1.5}, back.weights().get("tops"));
        assertArrayEquals(new double[] {0.5, 1.5}, back.weights().get("footwear"));
    }

    @Test
    void aMixtureWhoseWeightsDoNotFitItsMembersIsRefusedWithTheRule() {
        Composite mixture = Composite.Mixture.routed(List.of(TOPS, FOOTWEAR), heads());
        byte[] bytes = CompositeIO.write(mixture, BASE, "", Map.of());
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\"weight_tasks\":\"tops,footwear\"",
                "\"weight_tasks\":\"tops,footwaer\"");
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class,
                () -> CompositeIO.read(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertEquals(SafetensorsFormatException.Rule.INVALID_ENTRY, e.rule());
        assertTrue(e.getMessage().contains("footwear"), e.getMessage());
    }

    private static Map<String, TaskHead> heads() {
        Map<String, TaskHead> heads = new LinkedHashMap<>();
        heads.put("tops", TOPS.head());
        heads.put("footwear", FOOTWEAR.head());
        return heads;
    }

    private static void assertHeadsEqual(Map<String, TaskHead> expected, Map<String, TaskHead> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((task, head) -> {
            assertArrayEquals(head.classEmbeddings(), actual.get(task).classEmbeddings());
            assertEquals(head.logitScale(), actual.get(task).logitScale());
        });
    }
}
