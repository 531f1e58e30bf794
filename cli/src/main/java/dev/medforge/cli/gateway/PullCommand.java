package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.cli.CliException;
import dev.medforge.cli.ml.PulledModel;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.InvalidDigestException;
import dev.medforge.ml.merge.PeftExport;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.VitConfig;
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

/** {@code medforge pull}: a published version, its model card and its base, verified before they count as downloaded. */
@Command(name = "pull", description = "Download a published version into DIR as <branch>-v<version>.safetensors with model-card.json,"
                + " and the base model it runs on into DIR/base (model.safetensors, architecture.json), which predict and evaluate use."
                + " Every file must hash to the digest the model card names and the ETag/Digest headers repeat; otherwise nothing is"
                + " left under its name and the exit code is 5. --format peft also writes DIR/<branch>-v<version>-peft: Hugging Face"
                + " PEFT LoRA directories, heads.safetensors, architecture.json and a README.md model card. A version a withdrawal"
                + " superseded downloads with a warning on stderr; one an operator made unavailable is refused (exit 4) with the"
                + " operator's reason.")
public final class PullCommand extends GatewayVerb {

    /** What {@code --format} can write besides the composite file. */
    enum Format { safetensors, peft }

    /** The files a pull left: the composite, its card, and the base folder (null when the platform does not hold the base). */
    record Pulled(Path model, Path card, Path base, String digest, long size, JsonNode cardJson) {
    }

    @Mixin
    VersionRef ref;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path dir;

    @Option(names = "--format", defaultValue = "safetensors", paramLabel = "FORMAT",
            description = "safetensors (the composite file, default) or peft (also a PEFT export for Python; see README.md)")
    Format format;

    @Override
    public Integer call() throws IOException {
        Output out = out();
        Pulled pulled = fetch(gateway.client(), ref, dir, out);
        Path peft = null;
        if (format == Format.peft) {
            peft = exportPeft(pulled, out);
        }
        if (json()) {
            ObjectNode result = GatewayClient.JSON.createObjectNode().put("file", pulled.model().toString())
                    .put("modelCard", pulled.card().toString()).put("digest", pulled.digest()).put("size", pulled.size());
            result.put("base", pulled.base() == null ? null : pulled.base().toString());
            result.put("peft", peft == null ? null : peft.toString());
            out.json(result);
        } else {
            out.line(pulled.model().toString());
            if (peft != null) {
                out.line(peft.toString());
            }
        }
        return 0;
    }

    /**
     * Downloads the version, its card and its base into {@code dir}, verifying each file against its
     * digest. A file already there with the right digest is kept, so repeated pulls (predict's cache)
     * download nothing.
     */
    static Pulled fetch(GatewayClient client, VersionRef ref, Path dir, Output out) throws IOException {
        JsonNode card = client.get(ref.path());
        String expected = digest(card.path("artifact").asText(null), "the model card's artifact");
        JsonNode unavailable = card.path("unavailable");
        if (unavailable.isObject()) {
            // Said before any warning about a successor: a retired version will not download at all.
            throw CliException.rejected("v" + ref.version + " of " + ref.branch + " may no longer be downloaded: "
                    + unavailable.path("reason").asText() + " (" + unavailable.path("by").asText() + ", " + unavailable.path("at").asText()
                    + ")" + (card.path("supersededBy").path(0).isObject()
                            ? "; pull v" + card.path("supersededBy").path(0).path("version").asInt() + " instead" : ""));
        }
        JsonNode successor = card.path("supersededBy").path(0);
        if (successor.isObject()) {
            out.note("warning: v%d is superseded by v%d, which omits %s's contribution (withdrawn); pull v%d unless you need this one",
                    ref.version, successor.path("version").asInt(), successor.path("institution").asText(), successor.path("version").asInt());
        }
        Files.createDirectories(dir);
        String name = ref.branch + "-v" + ref.version;
        Path target = dir.resolve(name + ".safetensors");
        long size = download(client, ref.path() + "/artifact", target, expected, name, out);
        Path cardFile = dir.resolve(PulledModel.CARD_FILE);
        Files.writeString(cardFile, GatewayClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(card));
        return new Pulled(target, cardFile, base(client, ref, card, dir, out), expected, size, card);
    }

    /** The base into {@code dir/base}; null, with a warning, when the platform never received its weights. */
    private static Path base(GatewayClient client, VersionRef ref, JsonNode card, Path dir, Output out) throws IOException {
        JsonNode baseModel = card.path("baseModel");
        if (!baseModel.isObject()) {
            out.note("warning: the model card names no base model (a gateway older than this CLI); predict and evaluate need --base DIR");
            return null;
        }
        Path baseDir = dir.resolve(PulledModel.BASE_DIR);
        Files.createDirectories(baseDir);
        try {
            download(client, "/api/v1/branches/" + GatewayClient.segment(ref.branch) + "/base-model", baseDir.resolve(BaseModel.WEIGHTS_FILE),
                    digest(baseModel.path("digest").asText(null), "the model card's base model"), "base model " + baseModel.path("id").asText(), out);
        } catch (Problems.NotFound e) {
            out.note("warning: %s; predict and evaluate need --base DIR", e.getMessage());
            return null;
        }
        // Written by this CLI's ml-core, so the file spells out the conventions even where the registry holds an architecture
        // registered before they were written down (which means the same).
        VitConfig architecture;
        try {
            architecture = VitConfig.parse(baseModel.path("architecture").toString());
        } catch (IOException | IllegalArgumentException e) {
            throw CliException.server("the model card's base architecture is not one this CLI can run: " + e.getMessage());
        }
        architecture.write(baseDir.resolve(BaseModel.ARCHITECTURE_FILE));
        return baseDir;
    }

    private static long download(GatewayClient client, String path, Path target, String expected, String name, Output out) throws IOException {
        if (Files.isRegularFile(target) && Digests.sha256(target).equals(expected)) {
            out.note("up to date: %s (%s)", target, expected);
            return Files.size(target);
        }
        HttpResponse<InputStream> response = client.open(path, "application/octet-stream");
        try (InputStream body = response.body()) {
            headerDigest(response, "ETag").ifPresent(etag -> agree(expected, etag, "ETag"));
            headerDigest(response, "Digest").ifPresent(digest -> agree(expected, digest, "Digest"));
            // Written beside the target and renamed only once verified: a bad download never sits under the real name.
            Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".part");
            try {
                MessageDigest sha256 = ArtifactDigest.newSha256();
                long size;
                try (InputStream in = new DigestInputStream(body, sha256); OutputStream file = Files.newOutputStream(partial)) {
                    size = in.transferTo(file);
                } catch (IOException e) {
                    throw CliException.server("the download broke off: " + Http.describe(e));
                }
                String actual = ArtifactDigest.of(sha256).toString();
                if (!actual.equals(expected)) {
                    throw CliException.server("digest mismatch: " + name + " should be " + expected
                            + " but the downloaded bytes hash to " + actual + "; nothing was written to " + target.getParent());
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.note("verified %s %s (%s)", name, actual, UploadProgress.size(size));
                return size;
            } finally {
                Files.deleteIfExists(partial);
            }
        }
    }

    private Path exportPeft(Pulled pulled, Output out) throws IOException {
        if (pulled.base() == null) {
            throw CliException.rejected("--format peft needs the base model's architecture, which the platform did not provide");
        }
        PulledModel model = PulledModel.load(pulled.model(), pulled.base());
        Path export = dir.resolve(ref.branch + "-v" + ref.version + "-peft");
        PeftExport.write(model.loaded(), VitConfig.read(pulled.base().resolve(BaseModel.ARCHITECTURE_FILE)), export);
        Files.writeString(export.resolve("README.md"), PeftModelCard.readme(pulled.cardJson(), model));
        out.note("PEFT export: %s", export);
        return export;
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
