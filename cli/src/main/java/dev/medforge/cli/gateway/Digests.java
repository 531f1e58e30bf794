package dev.medforge.cli.gateway;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** SHA-256 in the {@code sha256:<hex>} form the artifact store names things by. */
public final class Digests {

    private Digests() {
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest sha256 = ArtifactDigest.newSha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha256.update(buffer, 0, n);
            }
        }
        return ArtifactDigest.of(sha256).toString();
    }
}
