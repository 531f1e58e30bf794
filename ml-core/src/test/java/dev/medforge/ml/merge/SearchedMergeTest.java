package dev.medforge.ml.merge;

import static org.junit.jupiter.api.Assertions.*;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fusion and mixture on a real (random) ViT, with the real distilled-set objective. */
class SearchedMergeTest {
    private static final BaseModel BASE = TestAdapters.randomBase(8);
    private static final Adapter A = TestAdapters.random(BASE, "tops", 4, 8, 8f, 21);
    private static final Adapter B = TestAdapters.random(BASE, "footwear", 3, 8, 8f, 22);
    private static final Adapter C = TestAdapters.random(BASE, "garments", 3, 8, 8f, 23);
    private static ModelSession session;
    private static DistilledSetLoss objective;

    @BeforeAll
    static void open() {
        session = ModelSession.open(BASE);
        objective = new DistilledSetLoss(session, Map.of("tops", noise(4, 1), "footwear", noise(3, 2), "garments", noise(3, 3)));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    static LabeledImages noise(int classes, long seed) {
        return TestImages.noise(classes * 5, classes, seed);
    }

    /**
     * The objective, recording the coefficients of every composite the search half is asked about:
     * the searches run on that half, the confirmations on the other.
     */
    private static CompositeLoss recording(List<double[]> seen, AtomicInteger calls) {
        CompositeLoss.Split halves = objective.split();
        CompositeLoss searchHalf = new CompositeLoss() {
            @Override
            public double[] trueClassProbabilities(Composite composite, String task) {
                return halves.search().trueClassProbabilities(composite, task);
            }

            @Override
            public float[][] probabilities(Composite composite, String task) {
                return halves.search().probabilities(composite, task);
            }

            @Override
            public double loss(Composite composite, List<String> tasks) {
                calls.incrementAndGet();
                seen.add(composite.coefficients().clone());
                return halves.search().loss(composite, tasks);
            }

            @Override
            public Split split() {
                throw new UnsupportedOperationException("already a half");
            }
        };
        return new CompositeLoss() {
            @Override
            public double[] trueClassProbabilities(Composite composite, String task) {
                return objective.trueClassProbabilities(composite, task);
            }

            @Override
            public float[][] probabilities(Composite composite, String task) {
                return objective.probabilities(composite, task);
            }

            @Override
            public Split split() {
                return new Split(searchHalf, halves.confirm());
            }
        };
    }

    private static final List<String> TASKS = List.of("tops", "footwear", "garments");
    /** Class names under which every task shares a class with every other, so any member may join any row. */
    private static final Map<String, List<String>> OVERLAPPING = Map.of(
            "tops", List.of("shirt", "coat", "pullover", "bag"), "footwear", List.of("sandal", "boot", "bag"),
            "garments", List.of("trouser", "dress", "bag"));
    /** The rival TIES tries λ = 1 and each other candidate on the search half. */
    private static final int TIES_SCALES = MergedScale.CANDIDATES.length;

    @Test
    void theHalvesAreDisjointAndHoldEveryClass() {
        CompositeLoss.Split halves = objective.split();
        Composite own = new Composite.Merged(A.modules(), Map.of("tops", A.head()), new double[] {1});
        double[] whole = objective.trueClassProbabilities(own, "tops");
        double[] search = halves.search().trueClassProbabilities(own, "tops");
        double[] confirm = halves.confirm().trueClassProbabilities(own, "tops");
        assertEquals(4 * 3, search.length, "images 1, 3 and 5 of each of the 4 classes");
        assertEquals(4 * 2, confirm.length, "images 2 and 4 of each class");
        double[] together = java.util.stream.DoubleStream.concat(java.util.Arrays.stream(search), java.util.Arrays.stream(confirm))
                .sorted().toArray();
        assertArrayEquals(java.util.Arrays.stream(whole).sorted().toArray(), together, 1e-7, "every image in exactly one half");
    }

    @Test
    void jointFusionStartsAtLinearStaysInBoundsAndBudgetAndStraysLeastFromTheInstitutionsOwnModels() {
        List<double[]> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        MergeOptions o = MergeOptions.defaults();
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion-joint")
                .merge(new MergeRequest(List.of(A, B, C), o, recording(seen, calls)));
        assertEquals(40 + TIES_SCALES, calls.get(), "the whole budget is used, never more, plus TIES' choice of λ");
        assertEquals(40, fused.searchTrace().size());
        for (double[] w : seen) {
            for (double x : w) {
                assertTrue(x >= -1.5 && x <= 1.5, "coefficient " + x + " outside bounds");
            }
        }
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, seen.get(0), 1e-12, "search starts at the linear default");
        Divergences.Reference own = Divergences.Reference.of(objective.split().confirm(),
                Composite.Mixture.routed(List.of(A, B, C), fused.heads()), TASKS);
        boolean aRivalMergedWithTheWholeSets = FusionMerge.RIVALS.stream().anyMatch(rival -> sameModules(fused,
                (Composite.Merged) MergeStrategies.get(rival).merge(new MergeRequest(List.of(A, B, C), o, objective))));
        boolean clearlyAheadOfEveryRival = FusionMerge.RIVALS.stream().allMatch(rival -> own.disagreementsOf(fused).clearlyBelow(
                own.disagreementsOf(MergeStrategies.get(rival).merge(new MergeRequest(List.of(A, B, C), o, objective.split().search())))));
        assertTrue(aRivalMergedWithTheWholeSets || clearlyAheadOfEveryRival,
                "fusion is a plain merge of the whole distilled sets, or disagrees with the institutions' own models clearly less often"
                        + " than every plain merge on the confirming half");
    }

    private static boolean sameModules(Composite.Merged x, Composite.Merged y) {
        return x.modules().keySet().equals(y.modules().keySet()) && x.modules().keySet().stream().allMatch(
                name -> java.util.Arrays.equals(x.modules().get(name).delta(), y.modules().get(name).delta()));
    }

    @Test
    void theDivergenceFromTheOwnModelsIsZeroForThemAndPositiveForAMerge() {
        Composite.Merged linear = (Composite.Merged) MergeStrategies.get("linear").merge(new MergeRequest(List.of(A, B, C),
                MergeOptions.defaults()));
        Composite own = Composite.Mixture.routed(List.of(A, B, C), linear.heads());
        assertEquals(0.0, objective.divergence(own, own, TASKS), 1e-9);
        assertTrue(objective.divergence(linear, own, TASKS) > 1e-4, "averaging the adapters changes what each task's model says");
        for (String task : TASKS) {
            assertTrue(objective.divergence(linear, own, List.of(task)) >= 0, "KL is never negative (" + task + ")");
        }
    }

    @Test
    void tiesAndDareTakeTheScaleTheDistilledSetsPreferAndKeepItWhenTheWeightsAreFixed() {
        for (String method : List.of("ties", "dare")) {
            Composite.Merged unit = (Composite.Merged) MergeStrategies.get(method).merge(new MergeRequest(List.of(A, B, C),
                    MergeOptions.defaults()));
            Composite.Merged chosen = (Composite.Merged) MergeStrategies.get(method).merge(new MergeRequest(List.of(A, B, C),
                    MergeOptions.defaults(), objective));
            double lambda = chosen.coefficients()[0];
            assertTrue(java.util.Arrays.stream(MergedScale.CANDIDATES).anyMatch(c -> c == lambda), method + " λ " + lambda);
            for (double c : MergedScale.CANDIDATES) {
                Composite.Merged scaled = new Composite.Merged(LoraAlgebra.scaled(unit.modules(), c), unit.heads(), new double[] {c});
                assertTrue(objective.loss(chosen, TASKS) <= objective.loss(scaled, TASKS) + 1e-6, method + ": λ " + c + " was better");
            }
            Composite.Merged fixed = (Composite.Merged) MergeStrategies.get(method).merge(new MergeRequest(List.of(A, B, C),
                    MergeOptions.defaults().withWeights(1, 1, 1), objective));
            assertArrayEquals(new double[] {1, 1, 1}, fixed.coefficients(), method + ": fixed weights are not rescaled");
        }
    }

    @Test
    void theSearchPenalisesTheDistanceFromItsStartNotFromZero() {
        List<double[]> seen = new ArrayList<>();
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion-joint")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), recording(seen, new AtomicInteger())));
        SearchStep first = fused.searchTrace().get(0);
        assertEquals(first.loss(), first.objective(), 1e-12, "the start pays no penalty");
        for (SearchStep step : fused.searchTrace()) {
            double distance = java.util.Arrays.stream(step.coefficients()).map(w -> Math.abs(w - 1 / 3.0)).average().orElseThrow();
            assertEquals(step.loss() + 0.05 * distance, step.objective(), 1e-9);
        }
    }

    @Test
    void eachSequentialStepStartsAtTheRunningLinearPoint() {
        AtomicInteger calls = new AtomicInteger();
        List<double[]> seen = new ArrayList<>();
        Composite.Merged fused = (Composite.Merged) MergeStrategies.get("fusion")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults().withBudget(12), recording(seen, calls)));
        assertEquals(24 + TIES_SCALES, calls.get(), "two pairwise searches of 12 evaluations, plus TIES' choice of λ");
        assertEquals(24, fused.searchTrace().size());
        assertEquals(3, fused.heads().size());
        for (double[] w : seen.subList(0, 24)) {
            assertEquals(2, w.length, "pairwise: composite so far and the new adapter");
        }
        assertArrayEquals(new double[] {1 / 2.0, 1 / 2.0}, seen.get(0), 1e-12, "step 1: two adapters, each 1/2");
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, seen.get(12), 1e-12, "step 2: the pair weighs 2/3, the third 1/3");
    }

    @Test
    void fusionOfOneAdapterIsThatAdapterUnchanged() {
        for (String method : List.of("fusion", "fusion-joint")) {
            Composite.Merged alone = (Composite.Merged) MergeStrategies.get(method).merge(new MergeRequest(List.of(A),
                    MergeOptions.defaults(), objective));
            assertEquals(A.modules(), alone.modules(), method);
            assertArrayEquals(new double[] {1}, alone.coefficients(), method);
        }
    }

    @Test
    void perLayerFusionHasOneCoefficientPerAdapterAndModule() {
        List<double[]> seen = new ArrayList<>();
        MergeStrategies.get("fusion-joint").merge(new MergeRequest(List.of(A, B),
                MergeOptions.defaults().withPerLayer(true).withBudget(10), recording(seen, new AtomicInteger())));
        assertEquals(2 * 9, seen.get(0).length);
    }

    @Test
    void aMixtureIsTheNormalisedWeightedSumOfMemberSoftmaxesAndSkipsZeroWeights() {
        double[] w = {0.2, 0.0, 1.1};
        Composite mix = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults().withWeights(w), objective));
        LabeledImages x = noise(3, 9);
        float[][] got = mix.scores(session, "footwear", x.pixels(), x.size());
        float[][] pa = session.probabilities(x.pixels(), x.size(), A.modules(), B.head());
        float[][] pc = session.probabilities(x.pixels(), x.size(), C.modules(), B.head());
        for (int i = 0; i < x.size(); i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((0.2 * pa[i][c] + 1.1 * pc[i][c]) / 1.3, got[i][c], 1e-6);
            }
        }
    }

    @Test
    void aRoutedMixtureScoresExactlyAsEachTasksOwnAdapter() {
        Composite routed = Composite.Mixture.routed(List.of(A, B, C), Map.of("tops", A.head(), "footwear", B.head(), "garments", C.head()));
        LabeledImages x = noise(4, 10);
        for (Adapter own : List.of(A, B, C)) {
            float[][] expected = session.probabilities(x.pixels(), x.size(), own.modules(), own.head());
            float[][] got = routed.scores(session, own.task(), x.pixels(), x.size());
            for (int i = 0; i < x.size(); i++) {
                assertArrayEquals(expected[i], got[i], "task " + own.task() + ", image " + i);
            }
        }
    }

    @Test
    void theMixtureObjectiveIsInvariantToScalingTheWeights() {
        List<double[][]> tasks = List.<double[][]>of(MixtureWeights.likelihoods(objective, List.of(A, B, C), "tops", A.head()));
        double[] w = {0.2, 0.5, 0.3};
        double[] scaled = {2.0, 5.0, 3.0};
        assertEquals(MixtureWeights.loss(tasks, w), MixtureWeights.loss(tasks, scaled), 1e-12);
    }

    @Test
    void emFindsTheMinimumOfTheMixtureObjective() {
        List<double[][]> tasks = List.<double[][]>of(new double[][] {{0.9, 0.2, 0.6, 0.1}, {0.3, 0.8, 0.5, 0.7}});
        double[] w = MixtureWeights.solve(tasks, MixtureWeights.uniform(2));
        double best = MixtureWeights.loss(tasks, w);
        for (int k = 0; k <= 1000; k++) {
            double a = k / 1000.0;
            assertTrue(best <= MixtureWeights.loss(tasks, new double[] {a, 1 - a}) + 1e-9, "grid point " + a + " beats EM");
        }
        assertEquals(1.0, w[0] + w[1], 1e-12);
    }

    @Test
    void eachTaskRowStartsAtItsOwnMemberAndLeavesItOnlyForAConfirmedGain() {
        Composite.Mixture mix = (Composite.Mixture) MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B, C),
                MergeOptions.defaults(), objective, OVERLAPPING));
        assertEquals(3 * 11, mix.searchTrace().size(), "own member plus ten points towards the optimum, per task");
        CompositeLoss confirm = objective.split().confirm();
        Composite routed = Composite.Mixture.routed(List.of(A, B, C), mix.heads());
        for (int t = 0; t < 3; t++) {
            double[] own = new double[3];
            own[t] = 1;
            assertArrayEquals(own, mix.searchTrace().get(11 * t).coefficients(), "row " + t + " starts one-hot");
            String task = TASKS.get(t);
            double[] row = mix.weights().get(task);
            assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-9);
            Composite alone = new Composite.Merged(List.of(A, B, C).get(t).modules(), Map.of(task, mix.heads().get(task)), new double[] {1});
            double[] halvesLoss = {objective.split().search().loss(alone, List.of(task)), confirm.loss(alone, List.of(task))};
            if ((halvesLoss[0] + halvesLoss[1]) / 2 >= Math.log(mix.heads().get(task).classes())) {
                assertArrayEquals(own, row, "a set its own adapter reads no better than chance cannot move task " + task);
            }
            if (!java.util.Arrays.equals(row, own)) {
                assertTrue(confirm.loss(mix, List.of(task)) <= confirm.loss(routed, List.of(task)) - MixtureMerge.MIN_GAIN + 1e-6,
                        "task " + task + " left its own member without a gain on the confirming half");
            }
        }
    }

    /**
     * Scripted likelihoods: on the search half, member B explains tops better than tops' own member
     * A; on the confirming half it does as {@code confirmB} says.
     */
    private static CompositeLoss scripted(double confirmB) {
        return scripted(B, confirmB);
    }

    /** As above, with {@code favoured} in B's place. */
    private static CompositeLoss scripted(Adapter favoured, double confirmFavoured) {
        class Half implements CompositeLoss {
            final boolean confirming;

            Half(boolean confirming) {
                this.confirming = confirming;
            }

            @Override
            public double[] trueClassProbabilities(Composite composite, String task) {
                boolean isFavoured = ((Composite.Merged) composite).modules() == favoured.modules();
                double p = isFavoured ? (confirming ? confirmFavoured : 0.9) : 0.6;
                return new double[] {p, p, p, p};
            }

            @Override
            public float[][] probabilities(Composite composite, String task) {
                throw new UnsupportedOperationException("the mixture needs true-class probabilities only");
            }

            @Override
            public Split split() {
                return new Split(new Half(false), new Half(true));
            }
        }
        return new Half(false);
    }

    @Test
    void aRowMovesToAnotherMemberWhenBothHalvesAgreeAndStaysWhenTheConfirmingHalfDisagrees() {
        Composite.Mixture moved = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), scripted(0.9), OVERLAPPING));
        assertEquals(0.0, moved.weights().get("tops")[0], 1e-9, "B explains tops better on both halves: A is dropped");
        assertEquals(1.0, moved.weights().get("tops")[1], 1e-9);

        Composite.Mixture kept = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), scripted(0.3), OVERLAPPING));
        assertArrayEquals(new double[] {1, 0}, kept.weights().get("tops"), "the confirming half refutes B: tops stays with A");
    }

    /**
     * Issue 12: a mixture version computes only the rows its new members may join. Here the parent's
     * tops row sits on B; the child's objective would keep tops on A, so a kept row shows that it was
     * not computed again. C shares no class with tops: tops keeps the parent's row and only garments
     * (C's own row) is searched. When C shares a class with tops, the tops row is searched again.
     */
    @Test
    void aMixtureKeepsTheParentsRowsItsNewMemberCannotJoinAndSearchesTheRest() {
        Map<String, List<String>> names = Map.of("tops", List.of("shirt", "bag"), "footwear", List.of("sandal", "bag"),
                "garments", List.of("trouser", "dress"));
        Composite parent = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), scripted(0.9), names));
        assertArrayEquals(new double[] {0, 1}, ((Composite.Mixture) parent).weights().get("tops"));

        Composite.Mixture child = (Composite.Mixture) MergeStrategies.get("mixture").merge(
                new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), scripted(0.3), names).keepingRowsOf(((Composite.Mixture) parent).weights()));
        assertArrayEquals(new double[] {0, 1, 0}, child.weights().get("tops"), "kept from the parent, widened for C");
        assertArrayEquals(new double[] {0, 1, 0}, child.weights().get("footwear"));
        assertArrayEquals(new double[] {0, 0, 1}, child.weights().get("garments"));
        assertEquals(11, child.searchTrace().size(), "one row searched: garments");

        Map<String, List<String>> sharing = Map.of("tops", List.of("shirt", "bag"), "footwear", List.of("sandal", "bag"),
                "garments", List.of("shirt", "dress"));
        Composite.Mixture joined = (Composite.Mixture) MergeStrategies.get("mixture").merge(
                new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), scripted(0.3), sharing).keepingRowsOf(((Composite.Mixture) parent).weights()));
        assertArrayEquals(new double[] {1, 0, 0}, joined.weights().get("tops"), "C may join tops, so tops is searched again");

        Map<String, List<String>> real = Map.of("tops", List.of("shirt", "bag"), "footwear", List.of("sandal", "bag"),
                "garments", List.of("trouser", "dress"));
        Composite realParent = MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), objective, real));
        Composite.Mixture resumed = (Composite.Mixture) MergeStrategies.get("mixture").merge(
                new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), objective, real).keepingRowsOf(((Composite.Mixture) realParent).weights()));
        Composite.Mixture full = (Composite.Mixture) MergeStrategies.get("mixture").merge(
                new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), objective, real));
        for (String task : TASKS) {
            assertArrayEquals(full.weights().get(task), resumed.weights().get(task), 1e-12, "on real likelihoods, resuming changes no row: " + task);
        }
    }

    /**
     * Issue 12: a row searched again in a later version runs only the members the memo has not seen
     * on that task's halves. The second merge, with C added, runs C alone (on each row C may join,
     * on both halves) and remembers A and B; its rows equal those of a merge without a memo.
     */
    @Test
    void aMemoRunsEachMemberOnceOnATasksHalvesAcrossMergesAndChangesNoRow() {
        MemberOutputMemo memo = new MemberOutputMemo(BASE.digest());
        DistilledSetLoss remembering = new DistilledSetLoss(session, Map.of("tops", noise(4, 1), "footwear", noise(3, 2),
                "garments", noise(3, 3)), memo);
        MergeStrategies.get("mixture").merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), remembering, OVERLAPPING));
        assertEquals(2 * 2 * 2, memo.computed(), "A and B, on the tops and footwear rows, on both halves");

        Composite.Mixture withMemo = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), remembering, OVERLAPPING));
        assertEquals(8 + 3 * 2 + 2 * 2, memo.computed(), "C on all three rows, and A and B on the new garments row, each on both halves");
        assertEquals(8, memo.remembered(), "A and B on tops and footwear came from memory");
        Composite.Mixture without = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), objective, OVERLAPPING));
        for (String task : TASKS) {
            assertArrayEquals(without.weights().get(task), withMemo.weights().get(task), 1e-12, task);
        }
        assertNotEquals(MemberKey.of(noise(4, 1)), MemberKey.of(noise(4, 2)), "another set is another key");
    }

    /**
     * Issue 12: an institution's newer adapter for its task replaces its older one in every row. The
     * older one is never run, whatever the distilled sets would say of it, so a version costs the same
     * however many rounds its tasks have had.
     */
    @Test
    void aMemberReplacedByANewerAdapterOfItsTaskJoinsNoRowAndIsNeverRun() {
        Adapter newerTops = TestAdapters.random(BASE, "tops", 4, 8, 8f, 24);
        Composite.Mixture favouringOld = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B, newerTops), MergeOptions.defaults(), scripted(A, 0.9), OVERLAPPING));
        assertArrayEquals(new double[] {0, 0, 1}, favouringOld.weights().get("tops"),
                "the older tops adapter explains tops best on both halves, but the newer one holds the task");
        assertArrayEquals(new double[] {0, 1, 0}, favouringOld.weights().get("footwear"));

        MemberOutputMemo memo = new MemberOutputMemo(BASE.digest());
        DistilledSetLoss remembering = new DistilledSetLoss(session, Map.of("tops", noise(4, 1), "footwear", noise(3, 2)), memo);
        Composite.Mixture mix = (Composite.Mixture) MergeStrategies.get("mixture")
                .merge(new MergeRequest(List.of(A, B, newerTops), MergeOptions.defaults(), remembering, OVERLAPPING));
        assertEquals(2 * 2 * 2, memo.computed(), "the newer tops adapter and B, on the tops and footwear rows, on both halves; never A");
        for (String task : List.of("tops", "footwear")) {
            assertEquals(0.0, mix.weights().get(task)[0], task);
        }
    }

    @Test
    void aMemberWhoseTaskSharesNoClassNeverJoinsTheRowWhateverTheDistilledSetsSay() {
        Map<String, List<String>> disjoint = Map.of("tops", List.of("shirt", "coat"), "footwear", List.of("sandal", "boot"));
        for (Map<String, List<String>> classNames : List.of(disjoint, Map.<String, List<String>>of())) {
            Composite.Mixture mix = (Composite.Mixture) MergeStrategies.get("mixture")
                    .merge(new MergeRequest(List.of(A, B), MergeOptions.defaults(), scripted(0.9), classNames));
            assertArrayEquals(new double[] {1, 0}, mix.weights().get("tops"),
                    "B explains tops better on both halves but knows none of its classes (" + classNames + "): routing");
            assertArrayEquals(new double[] {0, 1}, mix.weights().get("footwear"));
        }
    }

    @Test
    void theGlobalMixtureUsesOneRowForEveryTaskAndImprovesOnUniform() {
        Composite.Mixture mix = (Composite.Mixture) MergeStrategies.get("mixture-global")
                .merge(new MergeRequest(List.of(A, B, C), MergeOptions.defaults(), objective));
        double[] row = mix.weights().get("tops");
        for (String task : TASKS) {
            assertArrayEquals(row, mix.weights().get(task));
        }
        Composite uniform = Composite.Mixture.global(List.of(A, B, C), MixtureWeights.uniform(3), mix.heads(), List.of());
        assertTrue(objective.loss(mix, TASKS) <= objective.loss(uniform, TASKS) + 1e-6);
    }
}
