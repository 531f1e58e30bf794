package dev.medforge.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterValidated.ValidationReport;
import dev.medforge.ingest.ValidationOutcome;
import dev.medforge.contracts.registry.RegistryClient.BranchInfo;
import dev.medforge.contracts.registry.RegistryClient.TaskInfo;
import dev.medforge.ingest.config.IngestConfig;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.distill.PrivacyReport;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.AdapterValidationException;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.store.ArtifactModels;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The format and privacy checks of a submission against its branch. Every failed rule is reported
 * with the field or tensor it concerns; nothing here throws for bad input.
 */
@ApplicationScoped
public class AdapterValidator {

    static final List<String> CHECKS = List.of("FORMAT_PEFT", "BASE_MODEL", "RANK_LIMIT", "HEAD_SHAPE", "NON_FINITE",
            "NORM_BOUND", "METADATA_ALLOW_LIST", "DISTILLED_LIMIT", "PRIVACY_REPORT", "PHI_SCAN");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArtifactModels models;
    private final IngestConfig config;

    AdapterValidator(ArtifactModels models, IngestConfig config) {
        this.models = models;
        this.config = config;
    }

    public ValidationOutcome validate(AdapterSubmitted submission, BranchInfo branch, TaskInfo task) {
        BaseModel base = models.base(branch.baseModelDigest(), branch.baseModelArchitecture());
        List<RejectionReason> reasons = new ArrayList<>();
        try {
            Adapter adapter = readAdapter(submission, base, reasons);
            if (adapter != null) {
                checkAdapter(adapter, branch, task, reasons);
            }
            LabeledImages distilled = readDistilled(submission.artifacts().distilled(), task, base, reasons);
            if (distilled != null) {
                checkPrivacyReport(submission.artifacts().privacyReport(), distilled.size(), reasons);
            }
            if (!reasons.isEmpty()) {
                return new ValidationOutcome.Invalid(reasons);
            }
            return new ValidationOutcome.Valid(new ValidationReport(adapter.modules().values().iterator().next().rank(),
                    targetModules(adapter), adapter.maxDeltaNorm(), distilled.size(), CHECKS));
        } catch (IOException e) {
            throw new UncheckedIOException("artifact store failed while validating " + submission.submissionId(), e);
        }
    }

    private Adapter readAdapter(AdapterSubmitted submission, BaseModel base, List<RejectionReason> reasons) {
        try {
            return models.adapter(submission.artifacts().adapterConfig(), submission.artifacts().adapterModel(), base,
                    submission.task());
        } catch (AdapterValidationException e) {
            reasons.add(new RejectionReason(codeOf(e), e.field(), e.getMessage()));
            return null;
        }
    }

    /** Maps ml-core's reasons onto the rejection codes institutions see. */
    static String codeOf(AdapterValidationException e) {
        if (e.getCause() instanceof SafetensorsFormatException format) {
            return switch (format.rule()) {
                case NON_FINITE -> "NON_FINITE";
                case METADATA_NOT_ALLOWED -> "METADATA_NOT_ALLOWED";
                default -> "FORMAT_SAFETENSORS";
            };
        }
        return switch (e.code()) {
            case BASE_MODEL_MISMATCH -> e.getMessage().contains(" has shape ") ? "SHAPE" : "BASE_MISMATCH";
            case INVALID_TENSORS -> "FORMAT_SAFETENSORS";
            case INVALID_CONFIG, UNSUPPORTED_FEATURE, MISSING_FILE -> "FORMAT_PEFT";
        };
    }

    private void checkAdapter(Adapter adapter, BranchInfo branch, TaskInfo task, List<RejectionReason> reasons) {
        int rank = adapter.modules().values().stream().mapToInt(LoraModule::rank).max().orElse(0);
        if (rank > branch.policy().rankLimit()) {
            reasons.add(new RejectionReason("RANK_LIMIT", "r", "rank " + rank + " exceeds the branch limit of " + branch.policy().rankLimit()));
        }
        int classes = task.classNames().size();
        if (adapter.head().classes() != classes) {
            reasons.add(new RejectionReason("SHAPE", "base_model.model." + TaskHead.MODULE + "." + TaskHead.CLASS_EMBEDDINGS,
                    "the head has " + adapter.head().classes() + " classes, task '" + task.name() + "' has " + classes));
        }
        adapter.modules().forEach((module, lora) -> {
            double norm = lora.deltaNorm();
            if (!(norm <= branch.policy().normBound())) {
                reasons.add(new RejectionReason("NORM_BOUND", module, String.format(java.util.Locale.ROOT,
                        "delta-W norm %.3g exceeds the branch bound %.3g", norm, branch.policy().normBound())));
            }
        });
    }

    private LabeledImages readDistilled(String digest, TaskInfo task, BaseModel base, List<RejectionReason> reasons) {
        int classes = task.classNames().size();
        LabeledImages distilled;
        try {
            distilled = models.labeledImages(digest, classes, base);
        } catch (SafetensorsFormatException e) {
            String code = e.rule() == SafetensorsFormatException.Rule.NON_FINITE ? "NON_FINITE"
                    : e.rule() == SafetensorsFormatException.Rule.METADATA_NOT_ALLOWED ? "METADATA_NOT_ALLOWED" : "FORMAT_SAFETENSORS";
            reasons.add(new RejectionReason(code, "distilled" + (e.tensor() == null ? "" : "." + e.tensor()), e.getMessage()));
            return null;
        } catch (IOException e) {
            reasons.add(new RejectionReason("DISTILLED_LIMIT", "distilled", e.getMessage()));
            return null;
        }
        int[] perClass = new int[classes];
        for (int label : distilled.labels()) {
            perClass[label]++;
        }
        for (int c = 0; c < classes; c++) {
            if (perClass[c] > config.distilledPerClassCap()) {
                reasons.add(new RejectionReason("DISTILLED_LIMIT", "distilled.labels",
                        perClass[c] + " images of class " + c + " exceed the cap of " + config.distilledPerClassCap() + " per class"));
            }
        }
        return distilled;
    }

    private void checkPrivacyReport(String digest, int images, List<RejectionReason> reasons) throws IOException {
        PrivacyReport report;
        try (InputStream in = models.store().get(ArtifactDigest.parse(digest))) {
            report = JSON.readValue(in, PrivacyReport.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report", "not a privacy report: " + e.getOriginalMessage()));
            return;
        }
        if (report.images() != null && report.images().contains(null)) {
            // A null entry made this check throw, and the submission stayed RECEIVED with no reason.
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report.images[" + report.images().indexOf(null) + "]",
                    "an entry is null; each image needs {index, label, nearestRealDistance, ratio}"));
            return;
        }
        TreeSet<Integer> covered = new TreeSet<>();
        if (report.images() != null) {
            report.images().forEach(entry -> covered.add(entry.index()));
        }
        if (covered.size() != images || (images > 0 && (covered.first() != 0 || covered.last() != images - 1))) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report.images",
                    "the report covers " + covered.size() + " images, the distilled set has " + images));
            return;
        }
        // The report's own minRatio is not trusted: the per-image entries are what is checked.
        for (int i = 0; i < report.images().size(); i++) {
            double ratio = report.images().get(i).ratio();
            if (!(ratio >= config.minPrivacyRatio())) {
                reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report.images[" + i + "].ratio",
                        "image " + report.images().get(i).index() + " is " + ratio + " of the typical real-to-real distance from a real image; the branch needs at least " + config.minPrivacyRatio()));
            }
        }
    }

    private static List<String> targetModules(Adapter adapter) {
        return adapter.modules().keySet().stream().map(m -> m.substring(m.lastIndexOf('.') + 1)).distinct().sorted().toList();
    }
}
