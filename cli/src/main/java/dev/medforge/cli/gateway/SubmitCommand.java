package dev.medforge.cli.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.cli.CliException;
import dev.medforge.ml.lora.PeftAdapterIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medforge submit}: an institution's adapter, distilled set and privacy report, to a branch. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Upload an adapter to a branch (multipart: manifest, adapter_config, adapter_model, distilled, privacy_report)."
                + " Prints the submission id on stdout; progress goes to stderr.")
public final class SubmitCommand extends GatewayVerb {

    @Option(names = "--branch", required = true)
    String branch;

    @Option(names = "--adapter", required = true, description = "PEFT directory from 'adapter train' (adapter_config.json, adapter_model.safetensors)")
    Path adapter;

    @Option(names = "--distilled", required = true, description = "distilled.safetensors from 'distill'")
    Path distilled;

    @Option(names = "--privacy-report", required = true, description = "privacy-report.json from 'distill'")
    Path privacyReport;

    @Option(names = "--manifest", required = true, description = "JSON object; 'task' names the task, 'institution' (optional) must be the token's")
    Path manifest;

    @Override
    public Integer call() throws Exception {
        Output out = out();
        String id = upload(gateway.client(), branch, adapter, distilled, privacyReport, manifest, new UploadProgress(out.err(), "upload"));
        if (json()) {
            out.compactJson(GatewayClient.JSON.createObjectNode().put("submissionId", id)
                    .put("location", "/api/v1/submissions/" + id));
        } else {
            out.line(id);
        }
        return 0;
    }

    /** The multipart upload of one submission; returns the submission id the gateway gave it. */
    public static String upload(GatewayClient client, String branch, Path adapter, Path distilled, Path privacyReport, Path manifest,
                                UploadProgress progress) throws IOException {
        Multipart body = new Multipart()
                .file("manifest", existing(manifest, "--manifest"), "application/json")
                .file("adapter_config", existing(adapter.resolve(PeftAdapterIO.CONFIG_FILE), "--adapter"), "application/json")
                .file("adapter_model", existing(adapter.resolve(PeftAdapterIO.WEIGHTS_FILE), "--adapter"), "application/octet-stream")
                .file("distilled", existing(distilled, "--distilled"), "application/octet-stream")
                .file("privacy_report", existing(privacyReport, "--privacy-report"), "application/json");
        JsonNode accepted = client.uploadOnce("/api/v1/branches/" + GatewayClient.segment(branch) + "/submissions",
                body.contentType(), body.publisher(progress));
        return accepted.path("submissionId").asText();
    }

    static Path existing(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw CliException.usage(option + ": no file " + file);
        }
        return file;
    }
}
