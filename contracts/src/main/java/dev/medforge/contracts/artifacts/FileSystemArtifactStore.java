package dev.medforge.contracts.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Stores each artifact at {@code <root>/sha256/<first two hex>/<hex>}. Writers stream into a private
 * temporary file under {@code <root>/tmp} and rename it into place, so a reader never sees a partial
 * file and concurrent puts of the same content all end with the same complete file.
 */
public final class FileSystemArtifactStore implements ArtifactStore {

    private static final int BUFFER = 64 * 1024;
    /** How finely a ref's last use is recorded; a collection must keep what was used more recently than this. */
    static final Duration USE_RESOLUTION = Duration.ofHours(1);

    private final Path root;
    private final Path tmp;

    public FileSystemArtifactStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve("tmp");
        Files.createDirectories(tmp);
        Files.createDirectories(this.root.resolve("sha256"));
    }

    public Path root() {
        return root;
    }

    @Override
    public ArtifactDigest put(InputStream content) throws IOException {
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            MessageDigest sha256 = ArtifactDigest.newSha256();
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE);
                 DigestInputStream in = new DigestInputStream(content, sha256)) {
                in.transferTo(out);
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            ArtifactDigest digest = ArtifactDigest.of(sha256);
            Path target = pathOf(digest);
            Files.createDirectories(target.getParent());
            moveIntoPlace(temp, target);
            return digest;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream get(ArtifactDigest digest) throws IOException {
        Path path = pathOf(digest);
        String actual;
        try (InputStream in = Files.newInputStream(path)) {
            actual = hash(in);
        } catch (NoSuchFileException e) {
            throw new ArtifactNotFoundException(digest);
        }
        if (!actual.equals(digest.hex())) {
            throw new ArtifactCorruptedException(digest, actual);
        }
        return Files.newInputStream(path);
    }

    @Override
    public void delete(ArtifactDigest digest) throws IOException {
        Files.deleteIfExists(pathOf(digest));
    }

    @Override
    public boolean contains(ArtifactDigest digest) {
        return Files.isRegularFile(pathOf(digest));
    }

    @Override
    public long size(ArtifactDigest digest) throws IOException {
        try {
            return Files.size(pathOf(digest));
        } catch (NoSuchFileException e) {
            throw new ArtifactNotFoundException(digest);
        }
    }

    @Override
    public void putRef(String name, ArtifactDigest digest) throws IOException {
        Path temp = Files.createTempFile(tmp, "ref-", ".part");
        try {
            Files.writeString(temp, digest.toString());
            Path target = refPath(name);
            Files.createDirectories(target.getParent());
            moveIntoPlace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public Optional<ArtifactDigest> ref(String name) throws IOException {
        Path path = refPath(name);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            Optional<ArtifactDigest> digest = pointer(path);
            Instant now = Instant.now();
            // To the hour: a ref read by every evaluation would otherwise cost a metadata write each time.
            if (digest.isPresent() && Files.getLastModifiedTime(path).toInstant().isBefore(now.minus(USE_RESOLUTION))) {
                Files.setLastModifiedTime(path, FileTime.from(now));
            }
            return digest;
        } catch (NoSuchFileException e) {
            // collected between the check and the read
            return Optional.empty();
        }
    }

    /**
     * A ref's last use is its file's modification time: {@link #putRef} writes it, {@link #ref} sets it
     * when it is older than {@link #USE_RESOLUTION}.
     */
    @Override
    public RefCollection collectRefs(Instant unusedSince) throws IOException {
        Path refs = root.resolve("refs");
        if (!Files.isDirectory(refs)) {
            return new RefCollection(0, 0, 0);
        }
        int collected = 0;
        int kept = 0;
        long bytes = 0;
        List<Path> all;
        try (Stream<Path> files = Files.walk(refs)) {
            all = files.filter(Files::isRegularFile).toList();
        }
        for (Path ref : all) {
            Optional<ArtifactDigest> target;
            try {
                if (!Files.getLastModifiedTime(ref).toInstant().isBefore(unusedSince)) {
                    kept++;
                    continue;
                }
                target = pointer(ref);
                Files.delete(ref);
            } catch (NoSuchFileException e) {
                continue;
            }
            collected++;
            if (target.isPresent()) {
                Path artifact = pathOf(target.get());
                try {
                    bytes += Files.size(artifact);
                    Files.delete(artifact);
                } catch (NoSuchFileException e) {
                    // already gone: a damaged entry, or another collector's
                }
            }
        }
        return new RefCollection(collected, bytes, kept);
    }

    /** The digest a ref's file holds; empty when it holds none, as a file cut short or overwritten by hand would. */
    private static Optional<ArtifactDigest> pointer(Path ref) throws IOException {
        try {
            return Optional.of(ArtifactDigest.parse(Files.readString(ref).strip()));
        } catch (InvalidDigestException | CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** A ref's file is named by the hash of its name, so any name maps to one safe path under the root. */
    private Path refPath(String name) {
        String hex = ArtifactDigest.of(name.getBytes(StandardCharsets.UTF_8)).hex();
        return root.resolve("refs").resolve(hex.substring(0, 2)).resolve(hex);
    }

    /** Where the artifact lives. Only a validated digest gets here, so the path cannot leave the root. */
    Path pathOf(ArtifactDigest digest) {
        return root.resolve("sha256").resolve(digest.hex().substring(0, 2)).resolve(digest.hex());
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("artifact store root must allow atomic renames: " + target.getParent(), e);
        }
    }

    private static String hash(InputStream in) throws IOException {
        MessageDigest sha256 = ArtifactDigest.newSha256();
        byte[] buffer = new byte[BUFFER];
        for (int n; (n = in.read(buffer)) > 0; ) {
            sha256.update(buffer, 0, n);
        }
        return ArtifactDigest.of(sha256).hex();
    }
}
