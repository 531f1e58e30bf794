package dev.medforge.gateway.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Problem;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionPart;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.privacy.ManifestSchema;
import dev.medforge.contracts.privacy.PhiScanner;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.SubmissionView;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.validation.Rules;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.config.GatewayConfig;
import dev.medforge.gateway.messaging.SubmissionEvents;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns an upload into a submission: every check runs before anything is stored or emitted, so a
 * refused upload leaves no trace downstream.
 */
@ApplicationScoped
public class SubmissionService {

    private static final Pattern NAME = Pattern.compile(Rules.NAME);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GatewayConfig config;
    private final ArtifactStore store;
    private final RegistryClient registry;
    private final SubmissionEvents events;

    SubmissionService(GatewayConfig config, ArtifactStore store, @RestClient RegistryClient registry, SubmissionEvents events) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.events = events;
    }

    /**
     * A submission, or with an {@code Idempotency-Key} the replay of the one that key made: a client
     * that lost the answer to a timeout sends the same request again and gets the same id.
     *
     * @param parts each part's uploaded file; a missing part is absent or null
     * @param idempotencyKey the request's {@code Idempotency-Key} header, if it has one
     */
    public Submitted submit(Caller caller, String branch, Map<SubmissionPart, Path> parts, Optional<String> idempotencyKey)
            throws IOException {
        idempotencyKey.ifPresent(SubmissionService::requireKey);
        requireName("branch", branch);
        checkSizesAndFormats(parts);
        JsonNode manifestTree = JSON.readTree(parts.get(SubmissionPart.MANIFEST).toFile());
        throwIfAny(ManifestSchema.check(manifestTree));
        // Fails with the registry's 404 for an unknown branch before any byte is stored.
        BranchView branchView = registry.branch(branch).await().indefinitely();
        throwIfAny(identifiers(manifestTree, parts, new HashSet<>(List.of(branch, branchView.baseModel()))));
        Map<String, Object> manifest = JSON.convertValue(manifestTree, new TypeReference<>() {
        });
        String institution = caller.actingInstitution(text(manifest, "institution"), "manifest.institution");
        String task = text(manifest, "task");

        Map<SubmissionPart, String> digests = new EnumMap<>(SubmissionPart.class);
        for (Map.Entry<SubmissionPart, Path> part : parts.entrySet()) {
            try (InputStream in = Files.newInputStream(part.getValue())) {
                digests.put(part.getKey(), store.put(in).toString());
            }
        }
        Optional<IdempotencyClaim> claim = idempotencyKey.map(key -> IdempotencyClaim.of(institution, branch, key, task, digests));
        if (claim.isPresent()) {
            Optional<String> replayed = replay(claim.get(), institution, branch, task, digests.get(SubmissionPart.ADAPTER_MODEL));
            if (replayed.isPresent()) {
                return new Submitted(replayed.get(), true);
            }
        }
        String submissionId = submissionId(institution, branch, task, digests.get(SubmissionPart.ADAPTER_MODEL));
        AdapterSubmitted submitted = new AdapterSubmitted(submissionId, institution, branch, task,
                new AdapterSubmitted.SubmittedArtifacts(digests.get(SubmissionPart.ADAPTER_CONFIG),
                        digests.get(SubmissionPart.ADAPTER_MODEL), digests.get(SubmissionPart.DISTILLED),
                        digests.get(SubmissionPart.PRIVACY_REPORT)),
                manifest);
        events.emit(EventEnvelope.wrap(SubmissionEvents.SOURCE, submitted)).await().atMost(BROKER_TIMEOUT);
        if (claim.isPresent()) {
            // Only once the event is out: a request whose event never left must not be replayed as if it had.
            // A retry that arrives before this line is the same submission under the same id, handled once.
            claim.get().record(store);
        }
        return new Submitted(submissionId, false);
    }

    /** @param replayed whether an earlier request with the same {@code Idempotency-Key} made it */
    public record Submitted(String submissionId, boolean replayed) { }

    /**
     * The submission an earlier request with this claim's key made, if it made one with the same
     * request; 422 if the key was used for a different one. That submission is the newest of its
     * content's id sequence: the key's request made it, as nothing after it made another while it
     * was in flight or decided, except a resubmission after a rejection.
     */
    private Optional<String> replay(IdempotencyClaim claim, String institution, String branch, String task, String adapterModel) {
        if (claim.sameRequestRecorded(store)) {
            String newest = null;
            for (int attempt = 0; ; attempt++) {
                String id = contentId(institution, branch, task, adapterModel, attempt);
                if (known(id).isEmpty()) {
                    break;
                }
                newest = id;
            }
            // Recorded, so its event left, but the registry has not read it yet: the first id of the sequence.
            return Optional.of(newest != null ? newest : contentId(institution, branch, task, adapterModel, 0));
        }
        if (claim.keyRecorded(store)) {
            throw GatewayException.unprocessable("IDEMPOTENCY_KEY_REUSED", IdempotencyClaim.HEADER,
                    "this Idempotency-Key was used for a different submission (other parts or task); use a new key for a new submission");
        }
        return Optional.empty();
    }

    private static void requireKey(String key) {
        if (!IdempotencyClaim.VALID_KEY.matcher(key).matches()) {
            throw GatewayException.badRequest("INVALID_IDEMPOTENCY_KEY", IdempotencyClaim.HEADER,
                    "an Idempotency-Key is 1 to 255 visible ASCII characters, such as a UUID");
        }
    }

    /**
     * A submission is one institution's adapter for one task on one branch, so its id derives from
     * exactly that: a double click, or a client retrying after a timeout, names the same submission
     * instead of sending the contribution down the pipeline twice. One that is still in flight or
     * already decided (published or gated out) is a 409 naming it; after a rejection the same bytes
     * may be tried again, under the next id of the sequence. Two identical uploads racing each other
     * both get the same id, which the pipeline handles once.
     */
    private String submissionId(String institution, String branch, String task, String adapterModel) {
        for (int attempt = 0; ; attempt++) {
            String id = contentId(institution, branch, task, adapterModel, attempt);
            Optional<SubmissionView> earlier = known(id);
            if (earlier.isEmpty()) {
                return id;
            }
            SubmissionStatus.Stage stage = earlier.get().stage();
            if (stage != SubmissionStatus.Stage.REJECTED) {
                throw GatewayException.conflict("DUPLICATE_SUBMISSION", SubmissionPart.ADAPTER_MODEL.partName(),
                        "the same adapter for task '" + task + "' on branch '" + branch + "' is submission " + id + " (" + stage
                                + "); follow /api/v1/submissions/" + id);
            }
        }
    }

    private static String contentId(String institution, String branch, String task, String adapterModel, int attempt) {
        return UUID.nameUUIDFromBytes(String.join("\n", "submission", institution, branch, String.valueOf(task), adapterModel,
                String.valueOf(attempt)).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private Optional<SubmissionView> known(String submissionId) {
        try {
            return Optional.of(registry.submission(submissionId).await().indefinitely());
        } catch (GatewayException e) {
            if (e.problem().status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Sizes first, and all at once: an oversized part is refused whatever else is wrong. */
    private void checkSizesAndFormats(Map<SubmissionPart, Path> parts) throws IOException {
        List<FieldError> missing = new ArrayList<>();
        for (SubmissionPart part : SubmissionPart.values()) {
            Path file = parts.get(part);
            if (file == null) {
                missing.add(new FieldError("REQUIRED", part.partName(), "the part '" + part.partName() + "' is missing"));
            } else if (Files.size(file) > limit(part)) {
                throw GatewayException.tooLarge(part.partName(), "the part '" + part.partName() + "' has "
                        + Files.size(file) + " bytes; the limit is " + limit(part));
            }
        }
        throwIfAny(missing);
        List<FieldError> malformed = new ArrayList<>();
        for (SubmissionPart part : SubmissionPart.values()) {
            PartSniffer.check(part, parts.get(part)).ifPresent(malformed::add);
        }
        throwIfAny(malformed);
    }

    /**
     * Every string the upload would carry out of the hospital, scanned before any byte is stored: refused
     * identifiers must not reach the artifact store or Kafka.
     */
    private static List<FieldError> identifiers(JsonNode manifest, Map<SubmissionPart, Path> parts, Set<String> platformText)
            throws IOException {
        List<FieldError> found = new ArrayList<>(PhiScanner.scan(SubmissionPart.MANIFEST.partName(), manifest, platformText));
        for (SubmissionPart part : List.of(SubmissionPart.ADAPTER_CONFIG, SubmissionPart.ADAPTER_MODEL, SubmissionPart.DISTILLED,
                SubmissionPart.PRIVACY_REPORT)) {
            try (InputStream in = Files.newInputStream(parts.get(part))) {
                found.addAll(part.format() == SubmissionPart.Format.SAFETENSORS
                        ? PhiScanner.scanSafetensors(part.partName(), in, platformText) : PhiScanner.scanJson(part.partName(), in, platformText));
            }
        }
        return found;
    }

    private long limit(SubmissionPart part) {
        return part == SubmissionPart.MANIFEST ? config.maxManifestBytes() : config.maxPartBytes();
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new GatewayException(Problem.of(400,
                    errors.size() + " check(s) failed", errors));
        }
    }

    private static void requireName(String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw GatewayException.badRequest("NAME_FORMAT", field,
                    "lowercase letters, digits, '.', '_' or '-', at most 64, got '" + value + "'");
        }
    }

    private static String text(Map<String, Object> manifest, String field) {
        Object value = manifest.get(field);
        return value == null ? null : value.toString();
    }
}
