package dev.medforge.ingest.service;

import dev.medforge.contracts.artifacts.ArtifactCorruptedException;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactNotFoundException;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.InvalidDigestException;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.SubmissionPart;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.ingest.ValidationOutcome;
import dev.medforge.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Decides whether a submission may be merged. First its parts must be in the artifact store, intact
 * and within the size limit; then no string in it may look like an identifier; then its branch and
 * task must exist, the task registered by the submitting institution; then the adapter and distilled
 * set must pass every format and privacy check. Every problem of a stage is reported, not only the
 * first, so an institution can fix all of them at once.
 */
@ApplicationScoped
public class IntakeService {

    private final ArtifactStore store;
    private final IngestConfig config;
    private final RegistryClient registry;
    private final AdapterValidator validator;
    private final PhiCheck phi;

    IntakeService(ArtifactStore store, IngestConfig config, @RestClient RegistryClient registry, AdapterValidator validator,
                  PhiCheck phi) {
        this.store = store;
        this.config = config;
        this.registry = registry;
        this.validator = validator;
        this.phi = phi;
    }

    public ValidationOutcome intake(AdapterSubmitted submission) {
        List<RejectionReason> problems = checkParts(submission);
        if (!problems.isEmpty()) {
            return new ValidationOutcome.Invalid(problems);
        }
        // Before any other verdict: a part with identifiers is deleted, so nothing after this could read it,
        // and an unknown branch must not keep one either.
        Optional<BranchView> branch = lookUp(() -> registry.branch(submission.branch()).await().indefinitely());
        Set<String> platformText = branch.map(b -> Stream.of(b.id(), b.baseModel()).filter(Objects::nonNull).collect(Collectors.toSet()))
                .orElse(Set.of());
        List<RejectionReason> identifiers = scanForIdentifiers(submission, platformText);
        if (!identifiers.isEmpty()) {
            return new ValidationOutcome.Invalid(identifiers);
        }
        if (branch.isEmpty()) {
            return invalid("UNKNOWN_BRANCH", "branch", "no branch '" + submission.branch() + "'");
        }
        Optional<TaskView> task = lookUp(() -> registry.tasks(submission.branch()).await().indefinitely()).orElse(List.of()).stream()
                .filter(t -> t.name().equals(submission.task()))
                .findFirst();
        if (task.isEmpty()) {
            return invalid("UNKNOWN_TASK", "task", "branch '" + submission.branch() + "' has no task '" + submission.task()
                    + "'; register it before submitting");
        }
        if (!task.get().institution().equals(submission.institution())) {
            // Unnamed owner: the message would otherwise tell any contributor which institution works on what.
            return invalid("TASK_NOT_OWNED", "task", "task '" + submission.task() + "' on branch '" + submission.branch()
                    + "' is registered by another institution; register your own task");
        }
        return validator.validate(submission, branch.get(), task.get());
    }

    private List<RejectionReason> scanForIdentifiers(AdapterSubmitted submission, Set<String> platformText) {
        try {
            return phi.scanAndDeleteRefused(submission, platformText);
        } catch (IOException e) {
            throw new UncheckedIOException("artifact store failed while scanning " + submission.submissionId() + " for identifiers", e);
        }
    }

    /**
     * Asks the registry; an unknown resource is empty. Any other failure propagates: the consumer
     * retries the whole intake while the registry is away ({@code dependency-retry}).
     */
    private static <T> Optional<T> lookUp(Supplier<T> call) {
        try {
            return Optional.of(call.get());
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static ValidationOutcome invalid(String code, String field, String message) {
        return new ValidationOutcome.Invalid(List.of(new RejectionReason(code, field, message)));
    }

    public List<RejectionReason> checkParts(AdapterSubmitted submission) {
        List<RejectionReason> problems = new ArrayList<>();
        if (submission.artifacts() == null) {
            problems.add(new RejectionReason("MISSING_FIELD", "artifacts", "the submission names no artifacts"));
            return problems;
        }
        for (SubmissionPart part : SubmissionPart.STORED) {
            checkPart(part, part.digestIn(submission.artifacts())).ifPresent(problems::add);
        }
        return problems;
    }

    private Optional<RejectionReason> checkPart(SubmissionPart part, String value) {
        String field = part.field();
        if (value == null) {
            return reason("MISSING_FIELD", field, "no digest given for this part");
        }
        ArtifactDigest digest;
        try {
            digest = ArtifactDigest.parse(value);
        } catch (InvalidDigestException e) {
            return reason("DIGEST_FORMAT", field, e.getMessage());
        }
        try {
            long size = store.size(digest);
            if (size > config.maxPartBytes()) {
                return reason("SIZE_LIMIT", field, size + " bytes exceed the limit of " + config.maxPartBytes());
            }
            try (InputStream verified = store.get(digest)) {
                return Optional.empty();
            }
        } catch (ArtifactNotFoundException e) {
            return reason("ARTIFACT_MISSING", field, e.getMessage());
        } catch (ArtifactCorruptedException e) {
            return reason("ARTIFACT_CORRUPTED", field, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("artifact store unreadable while checking " + field, e);
        }
    }

    private static Optional<RejectionReason> reason(String code, String field, String message) {
        return Optional.of(new RejectionReason(code, field, message));
    }
}
