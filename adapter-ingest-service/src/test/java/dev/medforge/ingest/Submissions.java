package dev.medforge.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;
import io.restassured.http.ContentType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static io.restassured.RestAssured.given;

/**
 * Builds what an institution submits, as files in the artifact store, and registers the branch and
 * task it targets in the real registry. Each test gets a branch of its own.
 */
public final class Submissions {

    public static final BaseModel BASE = TestAdapters.randomBase(5);
    public static final List<String> TOPS = List.of("T-shirt/top", "Pullover", "Coat", "Shirt");

    private Submissions() {
    }

    /** Registers a branch on {@link #BASE} with a task "tops", and returns the branch id. */
    public static String newBranch(ArtifactStore store, String registryUrl) {
        String branch = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Path dir = Files.createTempDirectory("base-");
            BASE.save(dir);
            String digest = store.put(Files.readAllBytes(dir.resolve(BaseModel.WEIGHTS_FILE))).toString();
            String architecture = Files.readString(dir.resolve(BaseModel.ARCHITECTURE_FILE));
            given().baseUri(registryUrl).contentType(ContentType.JSON)
                    .body(Map.of("id", branch, "baseModel", Map.of("id", BASE.config().id(), "digest", digest, "architecture", architecture)))
                    .post("/internal/branches").then().log().ifValidationFails().statusCode(201);
            given().baseUri(registryUrl).contentType(ContentType.JSON)
                    .body(Map.of("name", "tops", "institution", "hospital-a", "classNames", TOPS, "evaluationSuite", digest))
                    .post("/internal/branches/{b}/tasks", branch).then().log().ifValidationFails().statusCode(201);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return branch;
    }

    public static Adapter adapter(long seed) {
        return TestAdapters.random(BASE, "tops", TOPS.size(), 8, 8f, seed);
    }

    /** A submission of {@code adapter} with a distilled set of 10 images per class and an honest privacy report. */
    public static AdapterSubmitted submission(ArtifactStore store, String branch, Adapter adapter, Map<String, Object> manifest,
                                              UnaryOperator<PrivacyReport> reportEdit) {
        try {
            Path dir = Files.createTempDirectory("adapter-");
            PeftAdapterIO.write(adapter, dir);
            LabeledImages distilled = distilled(adapter.head().classes(), 10);
            DistilledSetIO.write(distilled, dir.resolve(DistilledSetIO.FILE));
            List<PrivacyReport.Entry> entries = new ArrayList<>();
            for (int i = 0; i < distilled.size(); i++) {
                entries.add(new PrivacyReport.Entry(i, distilled.labels()[i], 7.5, 1.1));
            }
            PrivacyReport report = reportEdit.apply(new PrivacyReport(6.8, 500, 1.1, entries));
            SubmittedArtifacts artifacts = new SubmittedArtifacts(
                    store.put(Files.readAllBytes(dir.resolve(PeftAdapterIO.CONFIG_FILE))).toString(),
                    store.put(Files.readAllBytes(dir.resolve(PeftAdapterIO.WEIGHTS_FILE))).toString(),
                    store.put(Files.readAllBytes(dir.resolve(DistilledSetIO.FILE))).toString(),
                    store.put(new ObjectMapper().writeValueAsBytes(report)).toString());
            return new AdapterSubmitted(UUID.randomUUID().toString(), "hospital-a", branch, "tops", artifacts, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AdapterSubmitted submission(ArtifactStore store, String branch, Adapter adapter) {
        return submission(store, branch, adapter, Map.of("description", "tops classifier, 3 epochs"), r -> r);
    }

    private static LabeledImages distilled(int classes, int perClass) {
        Random random = new Random(3);
        int n = classes * perClass;
        float[] pixels = new float[n * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return new LabeledImages(pixels, labels, classes, 28, 28);
    }
}
