package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.InvalidDigestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code medforge pull}: a published version and its model card, verified before they count as downloaded. */
@Command(name = "pull", description = "Download a published version into DIR as <branch>-v<version>.safetensors with model-card.json. The bytes"
                + " must hash to the digest the model card names and the ETag/Digest headers repeat; otherwise nothing is"
                + " left in DIR and the exit code is 5. A version a withdrawal superseded downloads with a warning on stderr; one an"
                + " operator made unavailable is refused (exit 4) with the operator's reason.")
public final class PullCommand extends GatewayVerb {

    @Mixin
    VersionRef ref;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws IOException {
        GatewayClient client = gateway.client();
        JsonNode card = client.get(ref.path());
        String expected = digest(card.path("artifact").asText(null), "the model card's artifact");
        JsonNode successor = card.path("supersededBy").path(0);
        if (successor.isObject()) {
            out().note("warning: v%d is superseded by v%d, which omits %s's contribution (withdrawn); pull v%d unless you need this one",
                    ref.version, successor.path("version").asInt(), successor.path("institution").asText(), successor.path("version").asInt());
        }

        HttpResponse<InputStream> response = client.open(ref.path() + "/artifact", "application/octet-stream");
        try (InputStream body = response.body()) {
            headerDigest(response, "ETag").ifPresent(etag -> agree(expected, etag, "ETag"));
            headerDigest(response, "Digest").ifPresent(digest -> agree(expected, digest, "Digest"));
            return download(body, card, expected);
        }
    }

    private int download(InputStream body, JsonNode card, String expected) throws IOException {
        Files.createDirectories(dir);
        String name = ref.branch + "-v" + ref.version;
        Path target = dir.resolve(name + ".safetensors");
        // Written beside the target and renamed only once verified: a bad download never sits under the real name.
        Path partial = Files.createTempFile(dir, "." + name + "-", ".part");
        try {
            MessageDigest sha256 = Digests.newSha256();
            long size;
            try (InputStream in = new DigestInputStream(body, sha256); OutputStream file = Files.newOutputStream(partial)) {
                size = in.transferTo(file);
            } catch (IOException e) {
                throw CliException.server("the download broke off: " + Http.describe(e));
            }
            String actual = Digests.format(sha256);
            if (!actual.equals(expected)) {
                throw CliException.server("digest mismatch: " + name + " should be " + expected
                        + " but the downloaded bytes hash to " + actual + "; nothing was written to " + dir);
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path cardFile = dir.resolve("model-card.json");
            Files.writeString(cardFile, GatewayClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(card));
            Output out = out();
            out.note("verified %s (%s)", actual, UploadProgress.size(size));
            if (json) {
                out.json(GatewayClient.JSON.createObjectNode().put("file", target.toString()).put("modelCard", cardFile.toString())
                        .put("digest", actual).put("size", size));
            } else {
                out.line(target.toString());
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        return 0;
    }

    /** {@code ETag: "sha256:<hex>"} or {@code Digest: sha-256=<base64>}, as {@code sha256:<hex>}. */
    private static Optional<String> headerDigest(HttpResponse<?> response, String header) {
        return response.headers().firstValue(header).map(value -> {
            if (header.equals("ETag")) {
                return digest(value.replaceFirst("^W/", "").replace("\"", ""), "the ETag header");
            }
            for (String entry : value.split(",")) {
                String[] pair = entry.trim().split("=", 2);
                if (pair.length == 2 && pair[0].equalsIgnoreCase("sha-256")) {
                    try {
                        return ArtifactDigest.PREFIX + HexFormat.of().formatHex(Base64.getDecoder().decode(pair[1].trim()));
                    } catch (IllegalArgumentException e) {
                        throw CliException.server("the Digest header is not base64: " + value);
                    }
                }
            }
            return null;
        });
    }

    private static void agree(String expected, String announced, String header) {
        if (!announced.equals(expected)) {
            throw CliException.server("digest mismatch: the model card names " + expected + " but the " + header
                    + " header says " + announced + "; nothing was written");
        }
    }

    private static String digest(String value, String where) {
        try {
            return ArtifactDigest.parse(value).toString();
        } catch (InvalidDigestException e) {
            throw CliException.server(where + " is not a sha256 digest: " + value);
        }
    }
}
