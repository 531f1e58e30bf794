package dev.medforge.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.store.PipelineFixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * The four files an institution uploads besides its manifest, as bytes: what the gateway receives
 * as multipart parts, or what the test puts into the artifact store itself when it plays the gateway.
 */
record SubmissionParts(byte[] adapterConfig, byte[] adapterModel, byte[] distilled, byte[] privacyReport) {

    /** The adapter as a PEFT directory, the distilled set, and an honest privacy report covering every image. */
    static SubmissionParts of(Adapter adapter, LabeledImages distilled) {
        return PipelineFixtures.inScratch(dir -> {
            PeftAdapterIO.write(adapter, dir);
            DistilledSetIO.write(distilled, dir.resolve(DistilledSetIO.FILE));
            List<PrivacyReport.Entry> entries = new ArrayList<>();
            for (int i = 0; i < distilled.size(); i++) {
                entries.add(new PrivacyReport.Entry(i, distilled.labels()[i], 7.5, 1.1));
            }
            return new SubmissionParts(Files.readAllBytes(dir.resolve(PeftAdapterIO.CONFIG_FILE)),
                    Files.readAllBytes(dir.resolve(PeftAdapterIO.WEIGHTS_FILE)),
                    Files.readAllBytes(dir.resolve(DistilledSetIO.FILE)),
                    new ObjectMapper().writeValueAsBytes(new PrivacyReport(6.8, 500, 1.1, entries)));
        });
    }

    /**
     * What ml-core's pipeline fixtures submit for {@code adapter} (a noise distilled set of 10
     * images per class and an honest privacy report), built in a scratch store of its own so that
     * only the gateway puts it into the shared one.
     */
    static SubmissionParts of(Adapter adapter) {
        return PipelineFixtures.inScratch(dir -> {
            FileSystemArtifactStore scratch = new FileSystemArtifactStore(dir);
            AdapterSubmitted.SubmittedArtifacts built = PipelineFixtures.submission(scratch, "scratch", adapter).artifacts();
            return new SubmissionParts(scratch.getBytes(ArtifactDigest.parse(built.adapterConfig())),
                    scratch.getBytes(ArtifactDigest.parse(built.adapterModel())),
                    scratch.getBytes(ArtifactDigest.parse(built.distilled())),
                    scratch.getBytes(ArtifactDigest.parse(built.privacyReport())));
        });
    }

    /** The parts by their multipart names, as the gateway's submission form declares them. */
    Map<String, byte[]> byPartName() {
        return Map.of("adapter_config", adapterConfig, "adapter_model", adapterModel,
                "distilled", distilled, "privacy_report", privacyReport);
    }

    /** Stores the parts and returns the submitted event the gateway would emit for them. */
    AdapterSubmitted store(ArtifactStore store, String institution, String branch, String task, Map<String, Object> manifest) {
        try {
            return new AdapterSubmitted(UUID.randomUUID().toString(), institution, branch, task,
                    new AdapterSubmitted.SubmittedArtifacts(store.put(adapterConfig).toString(), store.put(adapterModel).toString(),
                            store.put(distilled).toString(), store.put(privacyReport).toString()),
                    manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code n} 28x28 images of one to three soft blobs each, at random places, sizes and
     * brightness: unlike uniform noise, which a random encoder maps to nearly one point, these
     * spread out in feature space, so a change of the encoder shows in the predictions.
     */
    static float[] blobs(int n, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            int count = 1 + random.nextInt(3);
            double[][] blobs = new double[count][];
            for (int b = 0; b < count; b++) {
                blobs[b] = new double[] {random.nextDouble() * 28, random.nextDouble() * 28, 2 + random.nextDouble() * 6,
                        0.3 + random.nextDouble() * 0.7};
            }
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double v = 0;
                    for (double[] b : blobs) {
                        double dx = x - b[0];
                        double dy = y - b[1];
                        v += b[3] * Math.exp(-(dx * dx + dy * dy) / (2 * b[2] * b[2]));
                    }
                    pixels[i * 28 * 28 + y * 28 + x] = (float) Math.min(1, v);
                }
            }
        }
        return pixels;
    }
}
