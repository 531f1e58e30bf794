package dev.medforge.ml.distill;

import static org.junit.jupiter.api.Assertions.*;

import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.Scenario;
import dev.medforge.ml.data.ScenarioData;
import dev.medforge.ml.model.VitConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillationTest {

    @Test
    void distilledImagesMoveTowardTheRealClassMeansAndRoundTrip(@TempDir Path dir) throws Exception {
        ScenarioData data = ScenarioData.load(Scenario.load("fashion3").scaled(100, 600, 50));
        LabeledImages real = data.institution("hospital-b").train();
        LabeledImages syn = DistributionMatching.distill(VitConfig.fashionDefault(), real, DistillRecipe.defaults(4).withIterations(300), System.out::println);
        assertEquals(3 * 30, syn.size(), "30 images per class by default");
        assertEquals(3, syn.classes());
        // Distribution matching must generalise: on random encoders it never saw, the synthetic
        // class means are closer to the real ones than the starting noise was.
        LabeledImages noise = DistributionMatching.distill(VitConfig.fashionDefault(), real, DistillRecipe.defaults(4).withIterations(0), s -> { });
        for (long seed = 1000; seed < 1003; seed++) {
            double after = DistributionMatching.meanEmbeddingDistance(VitConfig.fashionDefault(), syn, real, seed);
            double before = DistributionMatching.meanEmbeddingDistance(VitConfig.fashionDefault(), noise, real, seed);
            System.out.printf("held-out encoder %d: distance %.3f -> %.3f%n", seed, before, after);
            assertTrue(after < before, "encoder " + seed + ": " + before + " -> " + after);
        }
        Path f = dir.resolve(DistilledSetIO.FILE);
        DistilledSetIO.write(syn, f);
        LabeledImages back = DistilledSetIO.read(f, 3, 28, 28);
        assertArrayEquals(syn.pixels(), back.pixels());
        assertArrayEquals(syn.labels(), back.labels());
        assertThrows(java.io.IOException.class, () -> DistilledSetIO.read(f, 2, 28, 28));

        PrivacyReport report = PrivacyReport.compute(syn, real, 100, 1);
        assertEquals(3 * 30, report.images().size());
        assertTrue(report.typicalRealNearestNeighbour() > 0);
        // A copy of a real image would have ratio 0; the report must expose it.
        LabeledImages leaked = new LabeledImages(real.head(1).pixels(), new int[] {real.labels()[0]}, 3, 28, 28);
        assertEquals(0, PrivacyReport.compute(leaked, real, 100, 1).minRatio(), 1e-9);
        assertTrue(report.minRatio() > 0.1, "noise-initialised images are not copies: " + report.minRatio());
    }
}
