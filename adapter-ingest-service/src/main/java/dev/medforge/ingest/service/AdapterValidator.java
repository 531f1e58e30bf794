package dev.medforge.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.AdapterValidated.ValidationReport;
import dev.medforge.ingest.ValidationOutcome;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.Policy;
import dev.medforge.contracts.registry.Views.TaskView;
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

/**
 * The format and privacy checks of a submission against its branch. Every failed rule is reported
 * with the field or tensor it concerns; nothing here throws for bad input.
 */
@ApplicationScoped
public class AdapterValidator {

    static final List<String> CHECKS = List.of("FORMAT_PEFT", "BASE_MODEL", "RANK_LIMIT", "HEAD_SHAPE", "NON_FINITE",
            "NORM_BOUND", "METADATA_ALLOW_LIST", "DISTILLED_LIMIT", "DISTILLED_CAP", "PRIVACY_REPORT", "PRIVACY_NN_RATIO",
            "PRIVACY_AUDIT_MISSING", "PRIVACY_REPORT_MISMATCH", "PRIVACY_MIA", "PHI_SCAN");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArtifactModels models;

    AdapterValidator(ArtifactModels models) {
        this.models = models;
    }

    public ValidationOutcome validate(AdapterSubmitted submission, BranchView branch, TaskView task) {
        BaseModel base = models.base(branch.baseModelDigest(), branch.baseModelArchitecture());
        List<RejectionReason> reasons = new ArrayList<>();
        try {
            Adapter adapter = readAdapter(submission, base, reasons);
            if (adapter != null) {
                checkAdapter(adapter, branch, task, reasons);
            }
            LabeledImages distilled = readDistilled(submission.artifacts().distilled(), task, base, branch.policy(), reasons);
            PrivacyReport privacy = distilled == null ? null
                    : checkPrivacyReport(submission, distilled.size(), branch.policy(), reasons);
            if (!reasons.isEmpty()) {
                return new ValidationOutcome.Invalid(reasons);
            }
            return new ValidationOutcome.Valid(new ValidationReport(adapter.modules().values().iterator().next().rank(),
                    targetModules(adapter), adapter.maxDeltaNorm(), distilled.size(), CHECKS, PrivacyRules.figures(privacy)));
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

    private void checkAdapter(Adapter adapter, BranchView branch, TaskView task, List<RejectionReason> reasons) {
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

    private LabeledImages readDistilled(String digest, TaskView task, BaseModel base, Policy policy, List<RejectionReason> reasons) {
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
            if (perClass[c] > policy.maxDistilledPerClass()) {
                reasons.add(new RejectionReason("DISTILLED_CAP", "distilled.labels", perClass[c] + " images of class " + c
                        + " exceed the branch's maxDistilledPerClass of " + policy.maxDistilledPerClass()));
            }
        }
        return distilled;
    }

    /** The submission's privacy report, checked against the branch's rules; null if it does not read as one. */
    private PrivacyReport checkPrivacyReport(AdapterSubmitted submission, int images, Policy policy, List<RejectionReason> reasons)
            throws IOException {
        PrivacyReport report;
        try (InputStream in = models.store().get(ArtifactDigest.parse(submission.artifacts().privacyReport()))) {
            report = JSON.readValue(in, PrivacyReport.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            reasons.add(new RejectionReason("PRIVACY_REPORT", "privacy_report", "not a privacy report: " + e.getOriginalMessage()));
            return null;
        }
        reasons.addAll(PrivacyRules.check(report, images, submission.artifacts(), policy));
        return report;
    }

    private static List<String> targetModules(Adapter adapter) {
        return adapter.modules().keySet().stream().map(m -> m.substring(m.lastIndexOf('.') + 1)).distinct().sorted().toList();
    }
}
