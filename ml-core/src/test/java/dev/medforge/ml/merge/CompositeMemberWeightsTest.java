package dev.medforge.ml.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeMemberWeightsTest {

    @Test
    void sequentialFusionWeightsMultiplyAlongLaterSteps() {
        // step 1: 0.9*A + 0.6*B; step 2: 0.5*(that) + 1.2*C
        Composite fused = new Composite.Merged(Map.of(), Map.of(), new double[] {0.9, 0.6, 0.5, 1.2});

        assertArrayEquals(new double[] {0.45, 0.30, 1.2}, fused.memberWeights(3), 1e-12);
    }

    @Test
    void jointWeightsAreOnePerMemberAndALoneAdapterWeighsOne() {
        assertArrayEquals(new double[] {0.2, 0.8}, new Composite.Merged(Map.of(), Map.of(), new double[] {0.2, 0.8}).memberWeights(2));
        assertArrayEquals(new double[] {1.0}, new Composite.Merged(Map.of(), Map.of(), new double[0]).memberWeights(1));
    }

    @Test
    void coefficientsThatFitNoLayoutAreRefusedRatherThanGuessed() {
        Composite odd = new Composite.Merged(Map.of(), Map.of(), new double[] {0.1, 0.2, 0.3});
        assertThrows(IllegalArgumentException.class, () -> odd.memberWeights(4));
    }

    @Test
    void aMixtureMembersWeightIsItsWeightInItsOwnTasksRow() {
        BaseModel base = TestAdapters.randomBase(5);
        Adapter tops = TestAdapters.random(base, "tops", 4, 8, 8f, 6);
        Adapter footwear = TestAdapters.random(base, "footwear", 3, 8, 8f, 7);
        Map<String, double[]> rows = new LinkedHashMap<>();
        rows.put("tops", new double[] {0.9, 0.1});
        rows.put("footwear", new double[] {0.3, 0.7});
        Composite mixture = new Composite.Mixture(List.of(tops, footwear), rows, Map.of("tops", tops.head(), "footwear", footwear.head()));

        assertArrayEquals(new double[] {0.9, 0.7}, mixture.memberWeights(2));
        assertThrows(IllegalArgumentException.class, () -> mixture.memberWeights(3));
    }
}
