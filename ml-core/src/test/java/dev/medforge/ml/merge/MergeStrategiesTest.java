package dev.medforge.ml.merge;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergeStrategiesTest {

    @Test
    void everyStrategyIsFoundUnderTheNameItGivesItselfAndBranchesKeepTheirNames() {
        // Branch policies and composite files store these names, so renaming a strategy is a migration.
        assertEquals(List.of("linear", "task-arithmetic", "ties", "dare", "fusion", "fusion-joint", "mixture", "mixture-global"),
                List.copyOf(MergeStrategies.names()));
        for (String name : MergeStrategies.names()) {
            assertEquals(name, MergeStrategies.get(name).name());
        }
    }

    @Test
    void anUnknownNameIsRefusedNamingTheKnownOnes() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> MergeStrategies.get("average"));
        assertTrue(unknown.getMessage().contains("'average'") && unknown.getMessage().contains("mixture-global"), unknown.getMessage());
    }
}
