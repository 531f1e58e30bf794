package dev.medforge.ingest.service;

import dev.medforge.contracts.artifacts.ArtifactCorruptedException;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactNotFoundException;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.artifacts.InvalidDigestException;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.ingest.SubmissionPart;
import dev.medforge.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that a submission's parts are in the artifact store, intact and within the size limit.
 * Every problem is reported, not only the first, so an institution can fix all of them at once.
 */
@ApplicationScoped
public class IntakeService {

    private final ArtifactStore store;
    private final IngestConfig config;

    IntakeService(ArtifactStore store, IngestConfig config) {
        this.store = store;
        this.config = config;
    }

    public List<RejectionReason> checkParts(AdapterSubmitted submission) {
        List<RejectionReason> problems = new ArrayList<>();
        if (submission.artifacts() == null) {
            problems.add(new RejectionReason("MISSING_FIELD", "artifacts", "the submission names no artifacts"));
            return problems;
        }
        for (SubmissionPart part : SubmissionPart.values()) {
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
