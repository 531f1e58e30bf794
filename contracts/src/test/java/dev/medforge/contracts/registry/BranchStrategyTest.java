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
        assertEquals("fusion", BranchStrategy.FALLBACK.nextMerge(false));
        assertEquals(Optional.of("mixture"), BranchStrategy.FALLBACK.afterFailedGate("fusion"));
        assertEquals(Optional.empty(), BranchStrategy.FALLBACK.afterFailedGate("mixture"), "a failed mixture is final");
    }

    @Test
    void aFallbackBranchWhoseHeadIsAMixtureMergesItsNextVersionAsAMixture() {
        assertEquals("mixture", BranchStrategy.FALLBACK.nextMerge(true));
    }

    @Test
    void fusionAndMixtureBranchesMergeTheirOwnWayWhateverTheHeadAndAFailedGateIsFinal() {
        for (boolean headIsMixture : new boolean[] {false, true}) {
            assertEquals("fusion", BranchStrategy.FUSION.nextMerge(headIsMixture));
            assertEquals("mixture", BranchStrategy.MIXTURE.nextMerge(headIsMixture));
        }
        assertEquals(Optional.empty(), BranchStrategy.FUSION.afterFailedGate("fusion"));
        assertEquals(Optional.empty(), BranchStrategy.MIXTURE.afterFailedGate("mixture"));
    }
}
