package dev.medforge.ml.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioTest {

    @Test
    void bundledFashion3MatchesTheDesign() throws IOException {
        Scenario s = Scenario.load("fashion3");
        assertEquals("fashion3", s.name());
        assertEquals(new Scenario.PublicPool(12000, 7), s.publicPool());
        assertEquals(List.of("hospital-a", "hospital-b", "hospital-c"), s.arrivalOrder());
        assertEquals(List.of(0, 2, 4, 6), s.institution("hospital-a").classes());
        assertEquals("footwear", s.institution("hospital-b").task());
        assertEquals(List.of(1, 3, 8), s.institution("hospital-c").classes());
        assertEquals(6000, s.institution("hospital-c").trainSamples());
        assertEquals(13, s.institution("hospital-c").seed());
    }

    @Test
    void bundledFashion5HasFiveInstitutionsSharingClassesInAnotherOrder() throws IOException {
        Scenario s = Scenario.load("fashion5");
        assertEquals(5, s.institutions().size());
        Set<Integer> seen = new HashSet<>();
        Set<Integer> shared = new HashSet<>();
        s.institutions().forEach(i -> i.classes().forEach(c -> {
            if (!seen.add(c)) {
                shared.add(c);
            }
        }));
        assertTrue(shared.size() >= 2, "classes held by two institutions: " + shared);
        assertNotEquals(s.institutions().stream().map(Scenario.Institution::id).toList(), s.arrivalOrder());
        assertEquals(List.of("T-shirt/top", "Pullover", "Coat"), s.institution("hospital-a").classNames());
    }

    @Test
    void fashion3SamplesAreDisjointAndEvalIsRestrictedToTaskClasses() throws IOException {
        FashionMnist.Split train = FashionMnist.read(FashionMnist.directory(), "train");
        FashionMnist.Split test = FashionMnist.read(FashionMnist.directory(), "t10k");
        Scenario s = Scenario.load("fashion3");
        ScenarioData d = ScenarioData.assign(s, train, test);
        Set<Integer> seen = new HashSet<>();
        for (int i : d.publicPoolIndices()) {
            assertTrue(seen.add(i));
        }
        assertEquals(12000, seen.size());
        for (ScenarioData.InstitutionData inst : d.inArrivalOrder()) {
            for (int i : inst.trainIndices()) {
                assertTrue(seen.add(i), "train index " + i + " reused by " + inst.institution().id());
                assertTrue(inst.institution().classes().contains((int) train.labels()[i]));
            }
            assertEquals(6000, inst.train().size());
            assertEquals(2000, inst.eval().size());
            int[] counts = new int[inst.institution().numClasses()];
            for (int y : inst.eval().labels()) {
                counts[y]++;
            }
            for (int c : counts) {
                assertTrue(c > 300, "every class of the task appears in its evaluation suite");
            }
        }
        // Same seeds, same assignment.
        assertArrayEquals(d.institution("hospital-b").trainIndices(), ScenarioData.assign(s, train, test).institution("hospital-b").trainIndices());
    }

    @Test
    void sharedClassesStayDisjointAndOverAskingIsRefused() {
        FashionMnist.Split train = synthetic(300);
        FashionMnist.Split test = synthetic(50);
        Scenario shared = new Scenario("shared", "fashion-mnist", new Scenario.PublicPool(20, 1), List.of(
                new Scenario.Institution("x", "t1", List.of(0, 1), 12, 5, 2),
                new Scenario.Institution("y", "t2", List.of(1, 2), 12, 5, 3)), List.of("y", "x"));
        ScenarioData d = ScenarioData.assign(shared, train, test);
        Set<Integer> x = new HashSet<>();
        for (int i : d.institution("x").trainIndices()) {
            x.add(i);
        }
        for (int i : d.institution("y").trainIndices()) {
            assertFalse(x.contains(i));
        }
        Scenario greedy = new Scenario("greedy", "fashion-mnist", new Scenario.PublicPool(20, 1), List.of(
                new Scenario.Institution("x", "t1", List.of(0, 1), 40, 5, 2),
                new Scenario.Institution("y", "t2", List.of(1, 2), 51, 5, 3)), List.of("x", "y"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScenarioData.assign(greedy, train, test));
        assertTrue(e.getMessage().contains("y asks for 51 train samples"), e.getMessage());
        Scenario tooBigPool = new Scenario("pool", "fashion-mnist", new Scenario.PublicPool(301, 1),
                List.of(new Scenario.Institution("x", "t1", List.of(0, 1), 1, 1, 2)), List.of("x"));
        assertThrows(IllegalArgumentException.class, () -> ScenarioData.assign(tooBigPool, train, test));
    }

    @Test
    void invalidScenariosAreRefusedWhenLoaded(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"name\":\"bad\",\"dataset\":\"fashion-mnist\",\"publicPool\":{\"size\":1,\"seed\":1},"
                + "\"institutions\":[{\"id\":\"a\",\"task\":\"t\",\"classes\":[0,1],\"trainSamples\":5,\"evalSamples\":5,\"seed\":1}],"
                + "\"arrivalOrder\":[\"a\",\"b\"]}");
        Exception e = assertThrows(Exception.class, () -> Scenario.load(f.toString()));
        assertTrue(String.valueOf(e.getMessage()).contains("arrivalOrder"), e.getMessage());
        assertTrue(assertThrows(IOException.class, () -> Scenario.load("nope")).getMessage().contains("bundled"));
    }

    /** n images whose label is i mod 10. */
    private static FashionMnist.Split synthetic(int n) {
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
        }
        return new FashionMnist.Split(new byte[n * 4], labels, 2, 2);
    }
}
