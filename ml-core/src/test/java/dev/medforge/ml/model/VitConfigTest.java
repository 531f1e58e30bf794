package dev.medforge.ml.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VitConfigTest {

    @Test
    void theArchitectureFileSpellsOutTheConventionsAndReadsBack(@TempDir Path dir) throws IOException {
        VitConfig config = VitConfig.fashionDefault();
        config.write(dir.resolve("architecture.json"));

        String text = Files.readString(dir.resolve("architecture.json"));
        assertTrue(text.contains("\"scale\" : 0.00392156862745098"), text);
        assertTrue(text.contains("\"layerNormEps\" : 1.0E-5"), text);
        assertTrue(text.contains("\"activation\" : \"gelu-erf\""), text);
        assertTrue(text.contains("\"logScaleMax\" : 4.6051702"), text);
        assertEquals(config, VitConfig.read(dir.resolve("architecture.json")));
    }

    @Test
    void aFileFromBeforeTheConventionsWereWrittenMeansTheseConventions() throws IOException {
        String old = "{\"id\":\"medforge/vit-fmnist-tiny\",\"imageSize\":28,\"channels\":1,\"patchSize\":7,\"width\":64,\"depth\":4,"
                + "\"heads\":4,\"mlpRatio\":4}";
        assertEquals(VitConfig.fashionDefault(), VitConfig.parse(old));
    }

    @Test
    void aFileDeclaringAnotherComputationIsRefusedRatherThanRunDifferently() {
        ObjectNode json = VitConfig.fashionDefault().toJson();
        ((ObjectNode) json.path("conventions")).put("activation", "gelu-tanh");

        IOException e = assertThrows(IOException.class, () -> VitConfig.parse(json.toString()));
        assertTrue(e.getMessage().contains("gelu-tanh") && e.getMessage().contains("does not implement"), e.getMessage());
    }
}
