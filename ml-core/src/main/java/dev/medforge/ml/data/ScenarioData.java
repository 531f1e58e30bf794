package dev.medforge.ml.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The samples a scenario assigns. The public pool is drawn first from the whole train split; each
 * institution then draws, in listing order, from the train images of its classes that nobody has
 * taken yet, so samples are disjoint between institutions and from the pool even when classes are
 * shared. Evaluation suites come from t10k, restricted to each task's classes.
 */
public final class ScenarioData {

    /** One institution's private training set and its task's evaluation suite (labels task-local). */
    public record InstitutionData(Scenario.Institution institution, LabeledImages train, LabeledImages eval,
                                  int[] trainIndices) { }

    private final Scenario scenario;
    private final LabeledImages publicPool;
    private final int[] publicPoolIndices;
    private final Map<String, InstitutionData> institutions;

    private ScenarioData(Scenario scenario, LabeledImages publicPool, int[] publicPoolIndices, Map<String, InstitutionData> institutions) {
        this.scenario = scenario;
        this.publicPool = publicPool;
        this.publicPoolIndices = publicPoolIndices;
        this.institutions = institutions;
    }

    public static ScenarioData load(Scenario scenario) throws IOException {
        Path dir = FashionMnist.directory();
        return assign(scenario, FashionMnist.read(dir, "train"), FashionMnist.read(dir, "t10k"));
    }

    /** Assigns samples; refuses a scenario that asks for more than the splits hold. */
    public static ScenarioData assign(Scenario s, FashionMnist.Split train, FashionMnist.Split test) {
        boolean[] taken = new boolean[train.size()];
        if (s.publicPool().size() > train.size()) {
            throw new IllegalArgumentException("scenario " + s.name() + ": public pool of " + s.publicPool().size()
                    + " asks for more than the " + train.size() + " train images");
        }
        int[] pool = draw(allIndices(train.size()), s.publicPool().size(), new Random(s.publicPool().seed()));
        for (int i : pool) {
            taken[i] = true;
        }
        Map<String, InstitutionData> out = new LinkedHashMap<>();
        for (Scenario.Institution inst : s.institutions()) {
            int[] available = indicesOf(train, inst, taken);
            if (available.length < inst.trainSamples()) {
                throw new IllegalArgumentException("scenario " + s.name() + ": " + inst.id() + " asks for " + inst.trainSamples()
                        + " train samples of classes " + inst.classes() + " but only " + available.length
                        + " remain after the public pool and earlier institutions");
            }
            Random rnd = new Random(inst.seed());
            int[] chosen = draw(available, inst.trainSamples(), rnd);
            for (int i : chosen) {
                taken[i] = true;
            }
            int[] evalAvailable = indicesOf(test, inst, new boolean[test.size()]);
            if (evalAvailable.length < inst.evalSamples()) {
                throw new IllegalArgumentException("scenario " + s.name() + ": " + inst.id() + " asks for " + inst.evalSamples()
                        + " evaluation samples but t10k holds only " + evalAvailable.length + " of classes " + inst.classes());
            }
            int[] eval = draw(evalAvailable, inst.evalSamples(), rnd);
            out.put(inst.id(), new InstitutionData(inst, images(train, chosen, inst), images(test, eval, inst), chosen));
        }
        return new ScenarioData(s, images(train, pool, null), pool, out);
    }

    public Scenario scenario() {
        return scenario;
    }

    /** Unlabelled public images (labels are all zero and must not be used). */
    public LabeledImages publicPool() {
        return publicPool;
    }

    public int[] publicPoolIndices() {
        return publicPoolIndices.clone();
    }

    public InstitutionData institution(String id) {
        InstitutionData d = institutions.get(id);
        if (d == null) {
            throw new IllegalArgumentException("scenario " + scenario.name() + " has no institution " + id);
        }
        return d;
    }

    public List<InstitutionData> inArrivalOrder() {
        List<InstitutionData> list = new ArrayList<>();
        for (String id : scenario.arrivalOrder()) {
            list.add(institutions.get(id));
        }
        return list;
    }

    private static int[] allIndices(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] indicesOf(FashionMnist.Split split, Scenario.Institution inst, boolean[] taken) {
        boolean[] wanted = new boolean[FashionMnist.CLASSES];
        inst.classes().forEach(c -> wanted[c] = true);
        return java.util.stream.IntStream.range(0, split.size())
                .filter(i -> !taken[i] && wanted[split.labels()[i]]).toArray();
    }

    /** A seeded partial Fisher-Yates shuffle: the first {@code k} of a uniform permutation. */
    private static int[] draw(int[] from, int k, Random rnd) {
        int[] a = from.clone();
        for (int i = 0; i < k; i++) {
            int j = i + rnd.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return java.util.Arrays.copyOf(a, k);
    }

    private static LabeledImages images(FashionMnist.Split split, int[] indices, Scenario.Institution inst) {
        int d = split.rows() * split.cols();
        float[] px = new float[indices.length * d];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int src = indices[i] * d;
            for (int p = 0; p < d; p++) {
                px[i * d + p] = (split.pixels()[src + p] & 0xff) / 255f;
            }
            y[i] = inst == null ? 0 : inst.classes().indexOf((int) split.labels()[indices[i]]);
        }
        return new LabeledImages(px, y, inst == null ? 1 : inst.numClasses(), split.rows(), split.cols());
    }
}
