package dev.medforge.merge.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.merge.Lineage;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.model.BaseModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class CompositeBuilderTest {

    private static final AdapterRef A = ref("a", "sha256:" + "a".repeat(64));
    private static final AdapterRef B = ref("b", "sha256:" + "b".repeat(64));
    private static final AdapterRef C = ref("c", "sha256:" + "c".repeat(64));

    @Test
    void aFusedCompositesWeightsAreReportedPerSubmissionInMemberOrder() {
        // step 1: 0.9*A + 0.6*B; step 2: 0.5*(that) + 1.2*C, decoded by ml-core
        Composite fused = new Composite.Merged(Map.of(), Map.of(), new double[] {0.9, 0.6, 0.5, 1.2});

        Map<String, Double> weights = CompositeBuilder.weightsBySubmission(List.of(A, B, C), fused);

        assertEquals(List.of("a", "b", "c"), List.copyOf(weights.keySet()));
        assertEquals(0.45, weights.get("a"), 1e-12);
        assertEquals(1.2, weights.get("c"), 1e-12);
    }

    @Test
    void theCompositeIdDependsOnWhatWentInAndNotOnArrivalOrder() {
        MergeOptions options = MergeOptions.defaults();
        String id = CompositeBuilder.compositeId("main", "sha256:parent", List.of(A, B), List.of(), "fusion", options);

        assertEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(B, A), List.of(), "fusion", options));
        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:other", List.of(A, B), List.of(), "fusion", options));
        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(A, B), List.of(), "mixture", options));
        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(A, B), List.of(), "fusion", options.withBudget(10)));
        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(A), List.of(), "fusion", options));
        assertNotEquals(id, CompositeBuilder.compositeId("other-branch", "sha256:parent", List.of(A, B), List.of(), "fusion", options));
    }

    /** Issue 14: withdrawing a member of the same head with the same arrivals is another composite. */
    @Test
    void aCompositeThatWithdrawsAMemberHasAnIdOfItsOwn() {
        MergeOptions options = MergeOptions.defaults();
        String id = CompositeBuilder.compositeId("main", "sha256:parent", List.of(), List.of(A), "fusion", options);

        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(), List.of(B), "fusion", options));
        assertNotEquals(id, CompositeBuilder.compositeId("main", "sha256:parent", List.of(A), List.of(), "fusion", options));
    }

    /** Issue 11: the same bytes under another submission id, in the parent or earlier in the batch, are merged once. */
    @Test
    void anAdapterWhoseBytesAreInTheParentOrEarlierInTheBatchIsLeftOutAsADuplicate() {
        AdapterRef againA = ref("a2", A.adapterModel());
        AdapterRef firstC = C;
        AdapterRef againC = new AdapterRef("c2", "hospital-b", C.task(), C.adapterModel(), C.adapterConfig(), C.distilled());
        Map<String, String> refused = new LinkedHashMap<>();

        List<AdapterRef> kept = CompositeBuilder.newBytes(new Lineage(List.of(A)), List.of(againA, B, firstC, againC), "version 4",
                (adapter, detail) -> refused.put(adapter.submissionId(), detail));

        assertEquals(List.of(B, firstC), kept);
        assertEquals(Map.of(
                "a2", "DUPLICATE adapter_model " + A.adapterModel() + " is the same adapter as submission a, already in version 4",
                "c2", "DUPLICATE adapter_model " + C.adapterModel()
                        + " is the same adapter as another institution's submission, already in the composite being merged"), refused);
    }

    @Test
    void onlyAnAdapterInATaskThatAnotherInstitutionHoldsInTheParentIsLeftOut() {
        String digest = "sha256:" + "d".repeat(64);
        AdapterRef foreign = new AdapterRef("d", "hospital-b", "tops", digest, digest, digest);
        AdapterRef footwear = new AdapterRef("e", "hospital-b", "footwear", digest, digest, digest);
        List<AdapterRef> refused = new ArrayList<>();

        List<AdapterRef> kept = CompositeBuilder.inOwnTasks(new Lineage(List.of(A)), List.of(foreign, B, footwear), refused::add);

        assertEquals(List.of(B, footwear), kept, "hospital-a's next tops adapter and hospital-b's new task go in");
        assertEquals(List.of(foreign), refused);
    }

    @Test
    void aMixtureReportsEveryTasksRowAndEachMembersWeightInItsOwnRow() {
        BaseModel base = TestAdapters.randomBase(5);
        Adapter tops = TestAdapters.random(base, "tops", 4, 8, 8f, 6);
        Adapter footwear = TestAdapters.random(base, "footwear", 3, 8, 8f, 7);
        AdapterRef footwearRef = new AdapterRef("f", "hospital-b", "footwear", B.adapterModel(), B.adapterModel(), B.adapterModel());
        Map<String, double[]> rows = new LinkedHashMap<>();
        rows.put("tops", new double[] {0.9, 0.1});
        rows.put("footwear", new double[] {0.0, 1.0});
        Composite mixture = new Composite.Mixture(List.of(tops, footwear), rows,
                Map.of("tops", tops.head(), "footwear", footwear.head()));

        assertEquals(Map.of("a", 0.9, "f", 1.0), CompositeBuilder.weightsBySubmission(List.of(A, footwearRef), mixture));
        assertEquals(Map.of("tops", Map.of("a", 0.9, "f", 0.1), "footwear", Map.of("a", 0.0, "f", 1.0)),
                CompositeBuilder.rowsBySubmission(List.of(A, footwearRef), mixture));
        Composite fused = new Composite.Merged(tops.modules(), Map.of("tops", tops.head()), new double[] {1});
        assertEquals(Map.of(), CompositeBuilder.rowsBySubmission(List.of(A), fused));
    }

    private static AdapterRef ref(String id, String digest) {
        return new AdapterRef(id, "hospital-a", "tops", digest, digest, digest);
    }
}
