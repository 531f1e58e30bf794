package dev.medforge.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.registry.JsonText;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.BranchStrategy;
import dev.medforge.registry.RegistryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Request bodies of the branch API and the rules they must meet; every broken rule is reported. */
public final class BranchRequests {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Base model ids follow the Hugging Face convention {@code owner/name}. */
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}(/[a-z0-9][a-z0-9._-]{0,63})?");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    private static final ObjectMapper JSON = new ObjectMapper();

    private BranchRequests() {
    }

    /**
     * The policy change a JSON merge patch asks for: members with a value set it, members set to null
     * go back to {@code defaults}, members left out keep their value (null in the result). Unknown
     * members are refused rather than ignored, so that a misspelt rule does not silently stay as it was.
     *
     * @throws JsonProcessingException when a member has the wrong type, which the problem mapper names
     */
    public static PolicyRequest mergePatch(JsonNode patch, PolicyRequest defaults) throws JsonProcessingException {
        if (patch == null || !patch.isObject()) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "body", "a JSON merge patch object is required")));
        }
        ObjectNode known = JSON.valueToTree(defaults);
        ObjectNode resolved = JSON.createObjectNode();
        List<FieldError> errors = new ArrayList<>();
        for (Map.Entry<String, JsonNode> member : patch.properties()) {
            if (!known.has(member.getKey())) {
                errors.add(new FieldError("UNKNOWN_FIELD", "policy." + member.getKey(), "is not a policy field; one of "
                        + known.properties().stream().map(Map.Entry::getKey).toList()));
            } else {
                resolved.set(member.getKey(), member.getValue().isNull() ? known.get(member.getKey()) : member.getValue());
            }
        }
        throwIfAny(errors);
        return JSON.treeToValue(resolved, PolicyRequest.class);
    }

    public record BaseModelRequest(String id, String digest, String architecture) {
    }

    /** Policy fields left null keep their current value (or the registry default on creation). */
    public record PolicyRequest(String strategy, Double maxRegression, Double maxNewTaskGap, Integer rankLimit,
                                Double normBound, Double maxMembershipAuc, Double minNearestRealRatio, Integer maxDistilledPerClass,
                                Boolean privacyAuditRequired) {
    }

    /**
     * A new branch, either on a base model or, with {@code fromBranch} and {@code fromVersion}, as a
     * fork of that published version: it takes the source's base model, and its policy unless
     * {@code policy} sets fields of its own.
     */
    public record CreateBranch(String id, BaseModelRequest baseModel, PolicyRequest policy, String fromBranch, Integer fromVersion) {

        public boolean fork() {
            return fromBranch != null || fromVersion != null;
        }
    }

    public record RegisterTask(String name, String institution, List<String> classNames, String evaluationSuite) {
    }

    public static void validate(CreateBranch request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "body", "a JSON body is required")));
        }
        name(errors, "id", request.id());
        if (request.fork()) {
            fork(errors, request);
        } else if (request.baseModel() == null) {
            errors.add(new FieldError("REQUIRED", "baseModel", "the base model is required"));
        } else {
            if (request.baseModel().id() == null || !MODEL_ID.matcher(request.baseModel().id()).matches()) {
                errors.add(new FieldError("NAME_FORMAT", "baseModel.id", "owner/name in lowercase letters, digits, '.', '_' or '-', got '"
                        + request.baseModel().id() + "'"));
            }
            digest(errors, "baseModel.digest", request.baseModel().digest());
            if (request.baseModel().architecture() == null || request.baseModel().architecture().isBlank()) {
                errors.add(new FieldError("REQUIRED", "baseModel.architecture", "the architecture JSON is required"));
            } else if (!JsonText.isObject(request.baseModel().architecture())) {
                errors.add(new FieldError("INVALID_JSON", "baseModel.architecture",
                        "the architecture must be a JSON object (architecture.json as written by 'medforge base pretrain')"));
            }
        }
        policy(errors, request.policy());
        throwIfAny(errors);
    }

    public static void validate(PolicyRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            errors.add(new FieldError("REQUIRED", "body", "a JSON body is required"));
        }
        policy(errors, request);
        throwIfAny(errors);
    }

    public static void validate(RegisterTask request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw RegistryException.invalid(List.of(new FieldError("REQUIRED", "body", "a JSON body is required")));
        }
        name(errors, "name", request.name());
        name(errors, "institution", request.institution());
        if (request.classNames() == null || request.classNames().size() < 2) {
            errors.add(new FieldError("TOO_FEW", "classNames", "a task needs at least two classes"));
        } else if (request.classNames().stream().anyMatch(c -> c == null || c.isBlank())) {
            errors.add(new FieldError("REQUIRED", "classNames", "class names must not be blank"));
        }
        digest(errors, "evaluationSuite", request.evaluationSuite());
        throwIfAny(errors);
    }

    private static void fork(List<FieldError> errors, CreateBranch request) {
        if (request.fromBranch() == null) {
            errors.add(new FieldError("REQUIRED", "fromBranch", "fromVersion needs the branch whose version it is"));
        } else {
            name(errors, "fromBranch", request.fromBranch());
        }
        if (request.fromVersion() == null) {
            errors.add(new FieldError("REQUIRED", "fromVersion", "a fork starts at a published version of fromBranch"));
        } else if (request.fromVersion() < 1) {
            errors.add(new FieldError("OUT_OF_RANGE", "fromVersion", "published versions start at 1"));
        }
        if (request.baseModel() != null) {
            // A second base model could only disagree with the source's composite, which is built on the source's.
            errors.add(new FieldError("NOT_ALLOWED", "baseModel", "a fork builds on fromBranch's base model; leave baseModel out"));
        }
    }

    private static void policy(List<FieldError> errors, PolicyRequest policy) {
        if (policy == null) {
            return;
        }
        if (policy.strategy() != null && BranchStrategy.of(policy.strategy()).isEmpty()) {
            errors.add(new FieldError("UNKNOWN_STRATEGY", "policy.strategy", "one of " + BranchStrategy.wireNames()));
        }
        nonNegative(errors, "policy.maxRegression", policy.maxRegression());
        nonNegative(errors, "policy.maxNewTaskGap", policy.maxNewTaskGap());
        if (policy.rankLimit() != null && policy.rankLimit() < 1) {
            errors.add(new FieldError("OUT_OF_RANGE", "policy.rankLimit", "must be at least 1"));
        }
        if (policy.normBound() != null && !(policy.normBound() > 0)) {
            errors.add(new FieldError("OUT_OF_RANGE", "policy.normBound", "must be positive"));
        }
        if (policy.maxMembershipAuc() != null && !(policy.maxMembershipAuc() >= 0.5 && policy.maxMembershipAuc() <= 1)) {
            // Below 0.5 not even an attacker who guesses would pass.
            errors.add(new FieldError("OUT_OF_RANGE", "policy.maxMembershipAuc", "must be between 0.5 and 1"));
        }
        nonNegative(errors, "policy.minNearestRealRatio", policy.minNearestRealRatio());
        if (policy.maxDistilledPerClass() != null && policy.maxDistilledPerClass() < 1) {
            errors.add(new FieldError("OUT_OF_RANGE", "policy.maxDistilledPerClass", "must be at least 1"));
        }
    }

    private static void nonNegative(List<FieldError> errors, String field, Double value) {
        if (value != null && !(value >= 0 && Double.isFinite(value))) {
            errors.add(new FieldError("OUT_OF_RANGE", field, "must be a finite number >= 0"));
        }
    }

    private static void name(List<FieldError> errors, String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            errors.add(new FieldError("NAME_FORMAT", field, "lowercase letters, digits, '.', '_' or '-', at most 64, got '" + value + "'"));
        }
    }

    private static void digest(List<FieldError> errors, String field, String value) {
        if (value == null || !DIGEST.matcher(value).matches()) {
            errors.add(new FieldError("DIGEST_FORMAT", field, "must be sha256:<64 lowercase hex>, got '" + value + "'"));
        }
    }

    private static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
    }
}
