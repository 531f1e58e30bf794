package dev.medforge.ml.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterSubmitted.SubmittedArtifacts;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.testing.RealmUsers;
import dev.medforge.contracts.testing.ServiceIdentity;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.distill.DistilledSetIO;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.model.BaseModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;


/**
 * What the pipeline services' tests need: what an institution submits, as files in the artifact
 * store, and a branch with a task "tops" registered in the real registry (over its internal API, as
 * the gateway, the one service allowed to register them). Each test gets a branch of its own.
 */
public final class PipelineFixtures {

    public static final BaseModel BASE = TestAdapters.randomBase(5);
    public static final List<String> TOPS = List.of("T-shirt/top", "Pullover", "Coat", "Shirt");

    private PipelineFixtures() {
    }

    public static String newBranch(ArtifactStore store, String registryUrl) {
        return newBranch(store, registryUrl, Map.of());
    }

    /** As {@link #newBranch(ArtifactStore, String)}, with policy fields such as {@code maxRegression}. */
    public static String newBranch(ArtifactStore store, String registryUrl, Map<String, Object> policy) {
        String branch = "ingest-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> baseModel = inScratch(dir -> {
            BASE.save(dir);
            return Map.of("id", BASE.config().id(), "digest", store.put(Files.readAllBytes(dir.resolve(BaseModel.WEIGHTS_FILE))).toString(),
                    "architecture", Files.readString(dir.resolve(BaseModel.ARCHITECTURE_FILE)));
        });
        post(registryUrl + "/internal/branches", Map.of("id", branch, "baseModel", baseModel, "policy", policy));
        registerTask(registryUrl, branch, "tops", "hospital-a", TOPS, storeLabeledImages(store, TOPS.size(), 25, 17));
        return branch;
    }

    /** Registers another task of the branch, trained by {@code institution}, with {@code classes} classes. */
    public static void registerTask(String registryUrl, String branch, String task, String institution, int classes,
                                    String evaluationSuite) {
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(task + "-" + c);
        }
        registerTask(registryUrl, branch, task, institution, names, evaluationSuite);
    }

    /** As the gateway does for the institution's own user (the realm's contributor named like it), whose token it forwards. */
    private static void registerTask(String registryUrl, String branch, String task, String institution, List<String> classNames,
                                     String evaluationSuite) {
        post(registryUrl + "/internal/branches/" + branch + "/tasks",
                Map.of("name", task, "institution", institution, "classNames", classNames, "evaluationSuite", evaluationSuite),
                Map.of(OnBehalfOf.HEADER, RealmUsers.token(institution)));
    }

    private static void post(String url, Object body) {
        post(url, body, Map.of());
    }

    private static void post(String url, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/json")
                    .header("Authorization", ServiceIdentity.GATEWAY.bearer())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new ObjectMapper().writeValueAsBytes(body)));
            headers.forEach(request::header);
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("POST " + url + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Adapter adapter(long seed) {
        return TestAdapters.random(BASE, "tops", TOPS.size(), 8, 8f, seed);
    }

    /** Images and labels (a distilled set or an evaluation suite) stored as distilled.safetensors. */
    public static String storeLabeledImages(ArtifactStore store, int classes, int perClass, long seed) {
        return inScratch(dir -> {
            Path file = dir.resolve(DistilledSetIO.FILE);
            DistilledSetIO.write(TestImages.noise(classes * perClass, classes, seed), file);
            return store.put(Files.readAllBytes(file)).toString();
        });
    }

    /** A submission of {@code adapter} with a distilled set of 10 images per class and an honest privacy report. */
    public static AdapterSubmitted submission(ArtifactStore store, String branch, Adapter adapter, Map<String, Object> manifest,
                                              UnaryOperator<PrivacyReport> reportEdit) {
        return inScratch(dir -> submission(store, branch, adapter, manifest, reportEdit, dir));
    }

    /** Work on files in a scratch folder of the temp dir. */
    @FunctionalInterface
    public interface ScratchWork<T> {
        T apply(Path dir) throws IOException;
    }

    /** Runs {@code body} in a scratch folder that is removed afterwards: a run of the tests leaves nothing behind in the temp dir. */
    public static <T> T inScratch(ScratchWork<T> body) {
        try {
            return ArtifactModels.inScratch(body::apply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static AdapterSubmitted submission(ArtifactStore store, String branch, Adapter adapter, Map<String, Object> manifest,
                                               UnaryOperator<PrivacyReport> reportEdit, Path dir) throws IOException {
        PeftAdapterIO.write(adapter, dir);
        LabeledImages distilled = TestImages.noise(adapter.head().classes() * 10, adapter.head().classes(), 3);
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
        return new AdapterSubmitted(UUID.randomUUID().toString(), "hospital-a", branch, adapter.task(), artifacts, manifest);
    }

    public static AdapterSubmitted submission(ArtifactStore store, String branch, Adapter adapter) {
        return submission(store, branch, adapter, Map.of("description", "tops classifier, 3 epochs"), r -> r);
    }
}
