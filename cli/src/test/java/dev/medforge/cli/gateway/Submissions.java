package dev.medforge.cli.gateway;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.ml.lora.PeftAdapterIO;
import dev.medforge.ml.store.PipelineFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an institution has on disk after 'adapter train' and 'distill': the pipeline fixtures' adapter,
 * distilled set and privacy report (no training needed), written out as the CLI expects them.
 */
final class Submissions {

    private Submissions() {
    }

    record Files5(Path adapterDir, Path distilled, Path privacyReport, Path manifest) {
        /** The arguments of {@code medforge submit} for these files, {@code extra} options first. */
        String[] submit(String branch, String... extra) {
            List<String> args = new ArrayList<>(List.of("submit"));
            args.addAll(List.of(extra));
            args.addAll(List.of("--branch", branch, "--adapter", adapterDir.toString(), "--distilled", distilled.toString(),
                    "--privacy-report", privacyReport.toString(), "--manifest", manifest.toString()));
            return args.toArray(String[]::new);
        }
    }

    static Files5 write(Path dir, String branch, long seed, String manifestJson) throws IOException {
        ArtifactStore store = GatewayStack.store();
        AdapterSubmitted fixture = PipelineFixtures.submission(store, branch, PipelineFixtures.adapter(seed));
        Path adapter = Files.createDirectories(dir.resolve("adapter"));
        copy(store, fixture.artifacts().adapterConfig(), adapter.resolve(PeftAdapterIO.CONFIG_FILE));
        copy(store, fixture.artifacts().adapterModel(), adapter.resolve(PeftAdapterIO.WEIGHTS_FILE));
        Path distilled = copy(store, fixture.artifacts().distilled(), dir.resolve("distilled.safetensors"));
        Path report = copy(store, fixture.artifacts().privacyReport(), dir.resolve("privacy-report.json"));
        Path manifest = Files.writeString(dir.resolve("manifest.json"), manifestJson);
        return new Files5(adapter, distilled, report, manifest);
    }

    private static Path copy(ArtifactStore store, String digest, Path file) throws IOException {
        return Files.write(file, store.getBytes(ArtifactDigest.parse(digest)));
    }
}
