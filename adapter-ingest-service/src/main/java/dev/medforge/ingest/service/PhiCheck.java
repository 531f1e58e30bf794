package dev.medforge.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.SubmissionPart;
import dev.medforge.contracts.privacy.PhiScanner;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The identifier check over every string a submission carries: the manifest, both JSON parts and the
 * safetensors metadata. The gateway runs the same scanner before storing anything; this runs again
 * because events can reach the topic by other ways than the gateway. A stored part in which an
 * identifier is found is deleted: refused PHI is not kept.
 */
@ApplicationScoped
public class PhiCheck {

    private static final Logger LOG = Logger.getLogger(PhiCheck.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ArtifactStore store;

    PhiCheck(ArtifactStore store) {
        this.store = store;
    }

    /**
     * Every identifier found, by field; the stored parts it was found in are deleted before this returns.
     *
     * @param platformText the branch id and base model id, which reach a hospital's files verbatim
     *     and are not its text (see {@link PhiScanner#scan(String, com.fasterxml.jackson.databind.JsonNode, Set)})
     */
    public List<RejectionReason> scanAndDeleteRefused(AdapterSubmitted submission, Set<String> platformText) throws IOException {
        List<RejectionReason> found = new ArrayList<>(reasons(PhiScanner.scan("manifest",
                JSON.valueToTree(submission.manifest() == null ? Map.of() : submission.manifest()), platformText)));
        for (SubmissionPart part : SubmissionPart.STORED) {
            ArtifactDigest digest = ArtifactDigest.parse(part.digestIn(submission.artifacts()));
            List<RejectionReason> inPart;
            try (InputStream in = store.get(digest)) {
                inPart = reasons(part.format() == SubmissionPart.Format.SAFETENSORS
                        ? PhiScanner.scanSafetensors(part.partName(), in, platformText) : PhiScanner.scanJson(part.partName(), in, platformText));
            }
            if (!inPart.isEmpty()) {
                store.delete(digest);
                LOG.infof("submission %s: deleted %s (%s) for identifiers", submission.submissionId(), part.partName(), digest);
            }
            found.addAll(inPart);
        }
        return found;
    }

    private static List<RejectionReason> reasons(List<FieldError> findings) {
        return findings.stream().map(f -> new RejectionReason(f.code(), f.field(), f.message())).toList();
    }
}
