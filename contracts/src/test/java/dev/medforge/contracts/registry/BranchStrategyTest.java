package dev.medforge.contracts.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BranchStrategyTest {

    @Test
    void branchesStoreTheLowercaseNamesAndNothingElseIsAStrategy() {
        assertEquals(List.of("fusion", "mixture", "fallback"), BranchStrategy.wireNames());
        assertEquals(Optional.of(BranchStrategy.FALLBACK), BranchStrategy.of("fallback"));
        assertEquals(Optional.empty(), BranchStrategy.of("FUSION"));
        assertEquals(Optional.empty(), BranchStrategy.of(null));
    }

    @Test
    void fallbackStartsWithFusionAndTriesMixtureOnceAfterAFailedGate() {
        assertEquals("fusion", BranchStrategy.FALLBACK.firstMerge());
        assertEquals(Optional.of("mixture"), BranchStrategy.FALLBACK.afterFailedGate("fusion"));
        assertEquals(Optional.empty(), BranchStrategy.FALLBACK.afterFailedGate("mixture"), "a failed mixture is final");
    }

    @Test
    void fusionAndMixtureBranchesMergeTheirOwnWayAndAFailedGateIsFinal() {
        assertEquals("fusion", BranchStrategy.FUSION.firstMerge());
        assertEquals("mixture", BranchStrategy.MIXTURE.firstMerge());
        assertEquals(Optional.empty(), BranchStrategy.FUSION.afterFailedGate("fusion"));
        assertEquals(Optional.empty(), BranchStrategy.MIXTURE.afterFailedGate("mixture"));
    }
}
