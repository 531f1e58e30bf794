package dev.medforge.gateway.rest;

import dev.medforge.contracts.events.SubmissionPart;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * The multipart body of a submission. Quarkus spools each part to a temporary file as it arrives,
 * so an upload never sits in memory; the files are deleted when the request ends.
 */
public class SubmissionForm {

    @RestForm("manifest")
    @Schema(type = SchemaType.STRING, format = "binary",
            description = "JSON object with only `task` (required), `institution` and `description` (at most 280 characters)")
    public FileUpload manifest;

    @RestForm("adapter_config")
    @Schema(type = SchemaType.STRING, format = "binary", description = "PEFT adapter_config.json")
    public FileUpload adapterConfig;

    @RestForm("adapter_model")
    @Schema(type = SchemaType.STRING, format = "binary", description = "PEFT adapter_model.safetensors with the task head")
    public FileUpload adapterModel;

    @RestForm("distilled")
    @Schema(type = SchemaType.STRING, format = "binary", description = "distilled.safetensors")
    public FileUpload distilled;

    @RestForm("privacy_report")
    @Schema(type = SchemaType.STRING, format = "binary", description = "privacy-report.json")
    public FileUpload privacyReport;

    Map<SubmissionPart, Path> files() {
        Map<SubmissionPart, Path> files = new EnumMap<>(SubmissionPart.class);
        put(files, SubmissionPart.MANIFEST, manifest);
        put(files, SubmissionPart.ADAPTER_CONFIG, adapterConfig);
        put(files, SubmissionPart.ADAPTER_MODEL, adapterModel);
        put(files, SubmissionPart.DISTILLED, distilled);
        put(files, SubmissionPart.PRIVACY_REPORT, privacyReport);
        return files;
    }

    private static void put(Map<SubmissionPart, Path> files, SubmissionPart part, FileUpload upload) {
        if (upload != null) {
            files.put(part, upload.uploadedFile());
        }
    }
}
