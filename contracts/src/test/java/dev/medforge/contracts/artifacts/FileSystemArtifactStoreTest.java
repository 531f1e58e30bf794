package dev.medforge.contracts.artifacts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSystemArtifactStoreTest {

    @TempDir
    Path root;

    @Test
    void putReturnsTheSha256OfTheContentAndGetReturnsTheSameBytes() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        byte[] content = randomBytes(300_000, 1);

        ArtifactDigest digest = store.put(new ByteArrayInputStream(content));

        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        assertEquals("sha256:" + expected, digest.toString());
        assertArrayEquals(content, store.getBytes(digest));
        assertEquals(content.length, store.size(digest));
        assertTrue(store.contains(digest));
    }

    @Test
    void putLeavesNoTemporaryFilesBehind() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        store.put("a".getBytes(StandardCharsets.UTF_8));
        store.put("a".getBytes(StandardCharsets.UTF_8));

        try (Stream<Path> leftovers = Files.list(root.resolve("tmp"))) {
            assertEquals(0, leftovers.count());
        }
    }

    @Test
    void aFailedUploadStoresNothing() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        InputStream breaksHalfway = new InputStream() {
            int sent;

            @Override
            public int read() throws IOException {
                if (sent++ > 1000) {
                    throw new IOException("connection reset");
                }
                return 7;
            }
        };

        assertThrows(IOException.class, () -> store.put(breaksHalfway));

        try (Stream<Path> files = Files.walk(root)) {
            assertEquals(0, files.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void getRefusesBytesThatNoLongerMatchTheirDigest() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        ArtifactDigest digest = store.put("original".getBytes(StandardCharsets.UTF_8));
        Files.writeString(store.pathOf(digest), "tampered");

        ArtifactCorruptedException e = assertThrows(ArtifactCorruptedException.class, () -> store.get(digest));
        assertTrue(e.getMessage().contains(digest.toString()), e.getMessage());
    }

    @Test
    void aRefPointsAtTheLastArtifactPutUnderItsNameAndAnUnreadablePointerIsNoRef() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        ArtifactDigest first = store.put("first".getBytes(StandardCharsets.UTF_8));
        ArtifactDigest second = store.put("second".getBytes(StandardCharsets.UTF_8));
        String name = "member-outputs|base|adapter|../../etc/passwd";

        assertTrue(store.ref(name).isEmpty());
        store.putRef(name, first);
        assertEquals(first, store.ref(name).orElseThrow());
        store.putRef(name, second);
        assertEquals(second, store.ref(name).orElseThrow());
        assertTrue(store.ref("another name").isEmpty());

        try (Stream<Path> refs = Files.walk(root.resolve("refs"))) {
            List<Path> files = refs.filter(Files::isRegularFile).toList();
            assertEquals(1, files.size(), "one pointer file, named by the hash of the name, inside the root: " + files);
            Files.writeString(files.get(0), "sha256:not-a-digest");
        }
        assertTrue(store.ref(name).isEmpty(), "a damaged pointer reads as no ref, so the caller recomputes");
    }

    /**
     * Issue 12: cache entries nobody used within the cut-off go, with their artifacts; one found
     * since stays, and so does every artifact no ref points at (adapters, composites).
     */
    @Test
    void collectionRemovesRefsUnusedSinceTheCutOffWithTheirArtifactsAndNothingElse() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        ArtifactDigest used = store.put("outputs a".getBytes(StandardCharsets.UTF_8));
        ArtifactDigest unused = store.put("outputs b, unused".getBytes(StandardCharsets.UTF_8));
        ArtifactDigest adapter = store.put("an adapter, kept for its own sake".getBytes(StandardCharsets.UTF_8));
        ArtifactDigest missing = ArtifactDigest.of("never stored".getBytes(StandardCharsets.UTF_8));
        store.putRef("used", used);
        store.putRef("unused", unused);
        store.putRef("dangling", missing);
        Instant now = Instant.now();
        try (Stream<Path> refs = Files.walk(root.resolve("refs"))) {
            for (Path ref : refs.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(ref, FileTime.from(now.minus(Duration.ofDays(40))));
            }
        }
        assertEquals(used, store.ref("used").orElseThrow(), "a read is a use");

        ArtifactStore.RefCollection collection = store.collectRefs(now.minus(Duration.ofDays(30)));

        assertEquals(new ArtifactStore.RefCollection(2, "outputs b, unused".length(), 1), collection);
        assertEquals(used, store.ref("used").orElseThrow());
        assertTrue(store.contains(used));
        assertTrue(store.ref("unused").isEmpty());
        assertFalse(store.contains(unused));
        assertTrue(store.ref("dangling").isEmpty());
        assertTrue(store.contains(adapter));
        assertEquals(new ArtifactStore.RefCollection(0, 0, 1), store.collectRefs(now.minus(Duration.ofDays(30))), "nothing left to collect");
    }

    /** A use is recorded to the hour: a ref read by every evaluation is not rewritten by each. */
    @Test
    void aReadRecordsItsUseOnlyWhereTheLastOneIsOverAnHourOld() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        store.putRef("outputs", store.put("outputs".getBytes(StandardCharsets.UTF_8)));
        Path ref;
        try (Stream<Path> refs = Files.walk(root.resolve("refs"))) {
            ref = refs.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        FileTime halfAnHourAgo = FileTime.from(Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.SECONDS));
        Files.setLastModifiedTime(ref, halfAnHourAgo);

        store.ref("outputs").orElseThrow();
        assertEquals(halfAnHourAgo, Files.getLastModifiedTime(ref), "used within the hour: left as it was");

        Files.setLastModifiedTime(ref, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Instant read = Instant.now();
        store.ref("outputs").orElseThrow();
        assertFalse(Files.getLastModifiedTime(ref).toInstant().isBefore(read.minusSeconds(1)), "over an hour old: the read is recorded");
    }

    @Test
    void collectionOfAStoreWithoutRefsFindsNothing() throws Exception {
        assertEquals(new ArtifactStore.RefCollection(0, 0, 0), new FileSystemArtifactStore(root).collectRefs(Instant.now()));
    }

    @Test
    void getOfAnUnknownDigestSaysNotFound() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        ArtifactDigest absent = ArtifactDigest.parse("sha256:" + "ab".repeat(32));

        assertThrows(ArtifactNotFoundException.class, () -> store.get(absent));
        assertThrows(ArtifactNotFoundException.class, () -> store.size(absent));
        assertFalse(store.contains(absent));
    }

    @Test
    void deleteRemovesTheBytesAndToleratesAnAbsentArtifact() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        ArtifactDigest digest = store.put("refused".getBytes(StandardCharsets.UTF_8));

        store.delete(digest);
        store.delete(digest);

        assertFalse(store.contains(digest));
        assertFalse(Files.exists(store.pathOf(digest)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "sha256:../../etc/passwd",
            "sha256:" + "a",
            "sha256:" + "g123456789012345678901234567890123456789012345678901234567890123",
            "sha256:ABCDEF0123456789012345678901234567890123456789012345678901234567",
            "sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0",
            "md5:0123456789abcdef0123456789abcdef",
            "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            ""})
    void digestsThatAreNot64HexCharactersAreRefused(String value) {
        assertThrows(InvalidDigestException.class, () -> ArtifactDigest.parse(value));
    }

    @Test
    void concurrentPutsOfTheSameContentEndWithOneCompleteArtifact() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        byte[] content = randomBytes(2_000_000, 2);
        int writers = 8;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<ArtifactDigest>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                Callable<ArtifactDigest> put = () -> {
                    start.await();
                    return store.put(new ByteArrayInputStream(content));
                };
                results.add(pool.submit(put));
            }
            start.countDown();
            Set<ArtifactDigest> digests = new HashSet<>();
            for (Future<ArtifactDigest> result : results) {
                digests.add(result.get());
            }

            assertEquals(1, digests.size());
            ArtifactDigest digest = digests.iterator().next();
            assertArrayEquals(content, store.getBytes(digest));
            try (Stream<Path> files = Files.walk(root.resolve("sha256"))) {
                assertEquals(1, files.filter(Files::isRegularFile).count());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
