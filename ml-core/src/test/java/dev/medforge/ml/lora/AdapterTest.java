package dev.medforge.ml.lora;

import dev.medforge.ml.model.BaseModel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdapterTest {

    private static final BaseModel BASE = TestAdapters.randomBase(5);

    @Test
    void scalingOneModuleMultipliesOnlyThatModulesDeltaNorm() {
        Adapter honest = TestAdapters.random(BASE, "tops", 4, 8, 8f, 41);
        String layer = honest.modules().keySet().iterator().next();

        Adapter poisoned = honest.withModuleScaled(layer, 1000f);

        assertEquals(honest.modules().get(layer).deltaNorm() * 1000, poisoned.modules().get(layer).deltaNorm(),
                honest.modules().get(layer).deltaNorm() * 1e-3);
        honest.modules().keySet().stream().filter(name -> !name.equals(layer)).forEach(name ->
                assertEquals(honest.modules().get(name).deltaNorm(), poisoned.modules().get(name).deltaNorm(), 0.0, name));
        assertTrue(poisoned.maxDeltaNorm() > 100 * honest.maxDeltaNorm());
        assertThrows(IllegalArgumentException.class, () -> honest.withModuleScaled("no.such.module", 2f));
    }
}
