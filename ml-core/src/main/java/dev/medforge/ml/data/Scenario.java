package dev.medforge.ml.data;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A benchmark or demo scenario: who holds which classes, how many samples, and in which order the
 * adapters arrive. {@link #load(String)} takes a bundled name ({@code fashion3}) or a file path.
 */
public record Scenario(String name, String dataset, PublicPool publicPool, List<Institution> institutions,
                       List<String> arrivalOrder) {

    public record PublicPool(int size, long seed) { }

    public record Institution(String id, String task, List<Integer> classes, int trainSamples, int evalSamples, long seed) {
        public int numClasses() {
            return classes.size();
        }

        /** The task's class names in label order. */
        public List<String> classNames() {
            return classes.stream().map(c -> FashionMnist.CLASS_NAMES[c]).toList();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public Scenario {
        institutions = List.copyOf(institutions);
        arrivalOrder = List.copyOf(arrivalOrder);
        validate(name, dataset, publicPool, institutions, arrivalOrder);
    }

    public static Scenario load(String nameOrPath) throws IOException {
        Path path = Path.of(nameOrPath);
        if (Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                return JSON.readValue(in, Scenario.class);
            }
        }
        try (InputStream in = Scenario.class.getResourceAsStream("/dev/medforge/ml/scenarios/" + nameOrPath + ".json")) {
            if (in == null) {
                throw new IOException("no scenario file " + path.toAbsolutePath() + " and no bundled scenario named '" + nameOrPath + "' (bundled: fashion3, fashion5)");
            }
            return JSON.readValue(in, Scenario.class);
        }
    }

    public Institution institution(String id) {
        return institutions.stream().filter(i -> i.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("scenario " + name + " has no institution " + id));
    }

    /** The same scenario with smaller samples, for quick runs; seeds and classes unchanged. */
    public Scenario scaled(int poolSize, int trainSamples, int evalSamples) {
        return new Scenario(name, dataset, new PublicPool(poolSize, publicPool.seed),
                institutions.stream().map(i -> new Institution(i.id, i.task, i.classes, trainSamples, evalSamples, i.seed)).toList(),
                arrivalOrder);
    }

    private static void validate(String name, String dataset, PublicPool pool, List<Institution> institutions, List<String> order) {
        if (!"fashion-mnist".equals(dataset)) {
            throw new IllegalArgumentException("scenario " + name + ": dataset '" + dataset + "' is not supported (only fashion-mnist)");
        }
        if (pool == null || pool.size < 0) {
            throw new IllegalArgumentException("scenario " + name + ": publicPool.size must be >= 0");
        }
        if (institutions.isEmpty()) {
            throw new IllegalArgumentException("scenario " + name + ": no institutions");
        }
        Set<String> ids = new HashSet<>();
        Set<String> tasks = new HashSet<>();
        for (Institution i : institutions) {
            if (!ids.add(i.id)) {
                throw new IllegalArgumentException("scenario " + name + ": institution " + i.id + " listed twice");
            }
            if (!tasks.add(i.task)) {
                throw new IllegalArgumentException("scenario " + name + ": task " + i.task + " belongs to two institutions");
            }
            if (i.classes == null || i.classes.size() < 2 || Set.copyOf(i.classes).size() != i.classes.size()
                    || i.classes.stream().anyMatch(c -> c < 0 || c >= FashionMnist.CLASSES)) {
                throw new IllegalArgumentException("scenario " + name + ": " + i.id + " needs at least two distinct classes in 0..9");
            }
            if (i.trainSamples <= 0 || i.evalSamples <= 0) {
                throw new IllegalArgumentException("scenario " + name + ": " + i.id + " needs positive trainSamples and evalSamples");
            }
        }
        if (order.size() != ids.size() || !ids.equals(Set.copyOf(order))) {
            throw new IllegalArgumentException("scenario " + name + ": arrivalOrder " + order + " must list each institution once " + ids);
        }
    }
}
