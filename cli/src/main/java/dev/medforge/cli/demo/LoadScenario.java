package dev.medforge.cli.demo;

import dev.medforge.ml.data.FashionMnist;
import dev.medforge.ml.data.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * The load benchmark's institutions: {@code loadtest-01} ... {@code loadtest-NN}, each with a task
 * of two Fashion-MNIST classes. Institution i holds classes i and i + 1 + i / 10 (mod 10), so the
 * first ten pair neighbours, the next ten pair classes two apart, and so on: tasks overlap in their
 * classes, as hospitals' do, and no two institutions of twenty hold the same pair.
 */
final class LoadScenario {

    /** The public pool the base is pretrained on: fashion3's, so a fashion3 base serves too. */
    private static final Scenario.PublicPool POOL = new Scenario.PublicPool(12000, 7);

    private LoadScenario() {
    }

    static Scenario of(int institutions, int trainSamples, int evalSamples) {
        int classes = FashionMnist.CLASS_NAMES.length;
        List<Scenario.Institution> all = new ArrayList<>();
        for (int i = 0; i < institutions; i++) {
            int first = i % classes;
            int second = (first + 1 + (i / classes) % (classes - 1)) % classes;
            String id = institution(i);
            all.add(new Scenario.Institution(id, "lt" + id.substring(id.lastIndexOf('-') + 1), List.of(first, second),
                    trainSamples, evalSamples, 100L + i));
        }
        return new Scenario("loadtest" + institutions, "fashion-mnist", POOL, all, all.stream().map(Scenario.Institution::id).toList());
    }

    /** Zero-padded, so that accounts and tasks sort in arrival order. */
    static String institution(int index) {
        return String.format(java.util.Locale.ROOT, "loadtest-%02d", index + 1);
    }
}
