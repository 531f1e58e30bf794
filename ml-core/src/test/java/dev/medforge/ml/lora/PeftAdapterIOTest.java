package dev.medforge.ml.lora;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.ml.model.BaseModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterIOTest {
    static final Path DISTILBERT = Path.of(System.getProperty("medforge.testdata", "../../shared/testdata"), "peft-distilbert-emotion");
    private static final BaseModel BASE = TestAdapters.randomBase(5);

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsEveryDeltaAndTheHead() throws Exception {
        Adapter a = TestAdapters.random(BASE, "tops", 4, 8, 16f, 1);
        PeftAdapterIO.write(a, dir);
        JsonNode config = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertEquals("LORA", config.get("peft_type").asText());
        assertEquals(8, config.get("r").asInt());
        assertEquals(BASE.reference(), config.get("base_model_name_or_path").asText());
        assertTrue(BASE.reference().matches("medforge/vit-fmnist-tiny@sha256:[0-9a-f]{64}"));
        assertEquals("[\"q_proj\",\"v_proj\",\"visual_projection\"]", config.get("target_modules").toString());
        assertEquals("head", config.get("modules_to_save").get(0).asText());

        Adapter back = PeftAdapterIO.read(dir, BASE, "tops");
        assertEquals(a.modules().keySet(), back.modules().keySet());
        assertEquals(9, back.modules().size());
        for (String k : a.modules().keySet()) {
            double[] x = a.modules().get(k).delta();
            double[] y = back.modules().get(k).delta();
            for (int i = 0; i < x.length; i++) {
                assertEquals(x[i], y[i], 1e-5, k);
            }
        }
        assertArrayEquals(a.head().classEmbeddings(), back.head().classEmbeddings());
        assertEquals(a.head().logitScale(), back.head().logitScale());
    }

    @Test
    void theRealDistilbertAdapterIsRefusedAsABaseModelMismatch() {
        AdapterValidationException e = assertThrows(AdapterValidationException.class, () -> PeftAdapterIO.read(DISTILBERT, BASE, "emotion"));
        assertEquals(AdapterValidationException.Code.BASE_MODEL_MISMATCH, e.code());
        assertEquals("base_model_name_or_path", e.field());
        assertTrue(e.getMessage().contains("base model mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("distilbert-base-uncased"), e.getMessage());
    }

    @Test
    void distilbertTensorsAreRefusedEvenUnderOurBaseName() throws Exception {
        ObjectNode config = (ObjectNode) new ObjectMapper().readTree(DISTILBERT.resolve("adapter_config.json").toFile());
        config.put("base_model_name_or_path", BASE.reference());
        new ObjectMapper().writeValue(dir.resolve("adapter_config.json").toFile(), config);
        Files.copy(DISTILBERT.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
        AdapterValidationException e = assertThrows(AdapterValidationException.class, () -> PeftAdapterIO.read(dir, BASE, "emotion"));
        assertEquals(AdapterValidationException.Code.BASE_MODEL_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("base model mismatch"), e.getMessage());
        assertTrue(e.field().startsWith("base_model.model."), e.field());
    }

    @Test
    void anAdapterForAnotherBaseDigestIsRefused() throws Exception {
        BaseModel other = TestAdapters.randomBase(6);
        PeftAdapterIO.write(TestAdapters.random(other, "tops", 4, 8, 8f, 1), dir);
        AdapterValidationException e = assertThrows(AdapterValidationException.class, () -> PeftAdapterIO.read(dir, BASE, "tops"));
        assertEquals(AdapterValidationException.Code.BASE_MODEL_MISMATCH, e.code());
    }

    @Test
    void corruptWeightsAreReportedWithTheSafetensorsRule() throws Exception {
        PeftAdapterIO.write(TestAdapters.random(BASE, "tops", 4, 8, 8f, 1), dir);
        byte[] bytes = Files.readAllBytes(dir.resolve("adapter_model.safetensors"));
        Files.write(dir.resolve("adapter_model.safetensors"), java.util.Arrays.copyOf(bytes, bytes.length - 3));
        AdapterValidationException e = assertThrows(AdapterValidationException.class, () -> PeftAdapterIO.read(dir, BASE, "tops"));
        assertEquals(AdapterValidationException.Code.INVALID_TENSORS, e.code());
        assertTrue(e.getMessage().contains("OFFSETS_"), e.getMessage());
    }
}
