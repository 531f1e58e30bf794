package dev.medforge.ml.store;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.FileSystemArtifactStore;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.data.TestImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.lora.TestAdapters;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.MemberKey;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.store.MemberOutputCache.Outputs;
import dev.medforge.ml.store.MemberOutputCache.Source;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 item 1: member outputs kept as artifacts, keyed by what makes them, never trusted blindly. */
class MemberOutputCacheTest {

    private static final BaseModel BASE = TestAdapters.randomBase(3);
    private static final String SUITE = "sha256:" + "aa".repeat(32);

    @TempDir
    Path root;

    @Test
    void theKeyChangesWhenAnyInputChangesAndOnlyThen() {
        Adapter member = TestAdapters.random(BASE, "tops", 3, 4, 4f, 1);
        Adapter other = TestAdapters.random(BASE, "tops", 3, 4, 4f, 2);
        String key = MemberKey.of(BASE.digest(), member.modules(), member.head(), SUITE);

        assertEquals(key, MemberKey.of(BASE.digest(), member.modules(), member.head(), SUITE));
        assertEquals(key, MemberKey.of(BASE.digest(), MemberKey.modules(member.modules()), member.head(), SUITE),
                "a modules digest computed once keys as the modules do");
        Set<String> changed = Set.of(
                MemberKey.of("0".repeat(64), member.modules(), member.head(), SUITE),
                MemberKey.of(BASE.digest(), other.modules(), member.head(), SUITE),
                MemberKey.of(BASE.digest(), member.modules(), other.head(), SUITE),
                MemberKey.of(BASE.digest(), member.modules(), member.head(), "sha256:" + "bb".repeat(32)),
                MemberKey.of(BASE.digest(), oneFloatChanged(member.modules()), member.head(), SUITE),
                MemberKey.of(BASE.digest(), member.modules(), new TaskHead(member.head().classes(), member.head().width(),
                        member.head().classEmbeddings(), member.head().logitScale() + 1e-3f), SUITE));
        assertEquals(6, changed.size(), "each changed input gives its own key");
        assertTrue(changed.stream().noneMatch(key::equals));
    }

    @Test
    void aMemberReadBackFromAStoredMixtureKeysAsItsOwnFilesDo() throws Exception {
        Adapter tops = TestAdapters.random(BASE, "tops", 3, 4, 8f, 5);
        Adapter shoes = TestAdapters.random(BASE, "shoes", 2, 4, 4f, 6);
        Composite mixture = Composite.Mixture.routed(List.of(tops, shoes), Map.of("tops", tops.head(), "shoes", shoes.head()));
        Composite.Mixture read = (Composite.Mixture) CompositeIO.read(CompositeIO.write(mixture, BASE, "{}", Map.of())).composite();

        assertEquals(MemberKey.of(BASE.digest(), tops.modules(), tops.head(), SUITE),
                MemberKey.of(BASE.digest(), read.members().get(0).modules(), read.head("tops"), SUITE),
                "alpha/r is folded into B when stored; the key is taken in that form, so both sides share an entry");
    }

    @Test
    void outputsAreComputedOnceThenReadAndADamagedEntryIsRecomputedNotTrusted() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        MemberOutputCache cache = new MemberOutputCache(store);
        Adapter member = TestAdapters.random(BASE, "tops", 3, 4, 4f, 7);
        LabeledImages suite = TestImages.noise(12, 3, 8);
        String key = MemberKey.of(BASE.digest(), member.modules(), member.head(), SUITE);
        AtomicInteger forwardPasses = new AtomicInteger();
        float[][] expected;
        try (ModelSession session = ModelSession.open(BASE)) {
            expected = session.probabilities(suite.pixels(), suite.size(), member.modules(), member.head());
            java.util.function.Supplier<Outputs> compute = () -> {
                forwardPasses.incrementAndGet();
                return new Outputs(session.probabilities(suite.pixels(), suite.size(), member.modules(), member.head()), suite.labels());
            };

            MemberOutputCache.Lookup first = cache.outputs(key, compute);
            MemberOutputCache.Lookup second = cache.outputs(key, compute);
            assertEquals(Source.COMPUTED, first.source());
            assertEquals(Source.CACHED, second.source());
            assertEquals(1, forwardPasses.get(), "the second lookup runs no forward pass");
            assertArrayEquals(suite.labels(), second.outputs().labels());
            for (int i = 0; i < suite.size(); i++) {
                assertArrayEquals(expected[i], second.outputs().probabilities()[i], "image " + i + " as computed");
            }

            ArtifactDigest entry = store.ref(key).orElseThrow();
            Path file = root.resolve("sha256").resolve(entry.hex().substring(0, 2)).resolve(entry.hex());
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length - 1] ^= 0x40;
            Files.write(file, bytes);

            MemberOutputCache.Lookup afterDamage = cache.outputs(key, compute);
            assertEquals(Source.RECOMPUTED, afterDamage.source());
            assertTrue(afterDamage.problem().contains(entry.toString()), afterDamage.problem());
            assertEquals(2, forwardPasses.get());
            for (int i = 0; i < suite.size(); i++) {
                assertArrayEquals(expected[i], afterDamage.outputs().probabilities()[i]);
            }
            assertEquals(Source.CACHED, cache.outputs(key, compute).source(), "the recomputed entry replaced the damaged one");

            String otherKey = MemberKey.of(BASE.digest(), member.modules(), member.head(), "sha256:" + "cc".repeat(32));
            store.putRef(otherKey, store.ref(key).orElseThrow());
            MemberOutputCache.Lookup misdirected = cache.outputs(otherKey, compute);
            assertEquals(Source.RECOMPUTED, misdirected.source(), "an entry names its key, so a pointer to another key's entry is caught");
            assertEquals(3, forwardPasses.get());
        }
    }

    private static Map<String, LoraModule> oneFloatChanged(Map<String, LoraModule> modules) {
        Map<String, LoraModule> changed = new LinkedHashMap<>(modules);
        String first = modules.keySet().iterator().next();
        LoraModule m = modules.get(first);
        float[] a = m.a().clone();
        a[0] = Math.nextUp(a[0]);
        changed.put(first, new LoraModule(m.rank(), m.in(), m.out(), a, m.b(), m.scale()));
        return changed;
    }
}
