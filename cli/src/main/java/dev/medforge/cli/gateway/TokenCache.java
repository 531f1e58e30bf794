package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.cli.CliException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One profile's tokens in {@code <config>/tokens/<profile>.json}. The file is a bearer credential:
 * it is created owner-only (600, in a 700 directory) before a byte is written and replaced by an
 * atomic rename, so it is never readable by others nor half written.
 */
public final class TokenCache {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path dir;
    private final String profile;

    TokenCache(Path configDir, String profile) {
        if (!PROFILE.matcher(profile).matches() || profile.startsWith(".")) {
            throw CliException.usage("a profile name is letters, digits, '.', '_' or '-' (not leading '.'), got '" + profile + "'");
        }
        this.dir = configDir.resolve("tokens");
        this.profile = profile;
    }

    public Path file() {
        return dir.resolve(profile + ".json");
    }

    String profile() {
        return profile;
    }

    Optional<Tokens> load() {
        if (!Files.isRegularFile(file())) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file().toFile(), Tokens.class));
        } catch (IOException unreadable) {
            // A damaged cache is no session: signing in again rewrites it.
            return Optional.empty();
        }
    }

    void save(Tokens tokens) {
        try {
            Files.createDirectories(dir, ownerOnly("rwx------"));
            Path temp = Files.createTempFile(dir, "." + profile + "-", ".tmp", ownerOnly("rw-------"));
            try {
                JSON.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), tokens);
                try {
                    Files.move(temp, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file(), StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw CliException.server("cannot write the token cache " + file() + ": " + e.getMessage());
        }
    }

    boolean delete() {
        try {
            return Files.deleteIfExists(file());
        } catch (IOException e) {
            throw CliException.server("cannot delete the token cache " + file() + ": " + e.getMessage());
        }
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
