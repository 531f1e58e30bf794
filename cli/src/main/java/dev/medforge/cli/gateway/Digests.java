package dev.medforge.cli.gateway;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in the {@code sha256:<hex>} form the artifact store names things by. */
public final class Digests {

    private Digests() {
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest sha256 = newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return format(sha256);
    }

    static String format(MessageDigest sha256) {
        return ArtifactDigest.PREFIX + HexFormat.of().formatHex(sha256.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
