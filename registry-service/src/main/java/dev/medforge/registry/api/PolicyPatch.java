package dev.medforge.registry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.registry.RegistryException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A JSON merge patch (RFC 7396) of a branch's policy, read into the change it asks for. */
public final class PolicyPatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyPatch() {
    }

    /**
     * The policy change a JSON merge patch asks for: members with a value set it, members set to null
     * go back to {@code defaults}, members left out keep their value (null in the result). Unknown
     * members are refused rather than ignored, so that a misspelt rule does not silently stay as it was.
     *
     * @throws JsonProcessingException when a member has the wrong type, which the problem mapper names
     */
    public static PolicyRequest apply(JsonNode patch, PolicyRequest defaults) throws JsonProcessingException {
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
        if (!errors.isEmpty()) {
            throw RegistryException.invalid(errors);
        }
        return JSON.treeToValue(resolved, PolicyRequest.class);
    }
}
