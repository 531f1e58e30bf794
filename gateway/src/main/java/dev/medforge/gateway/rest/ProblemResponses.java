package dev.medforge.gateway.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.medforge.contracts.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import java.util.List;
import java.util.Map;

/**
 * Gives every operation of the OpenAPI document the problem responses it can really answer, each
 * with the {@link Problem} schema and an example: 401 without a valid token, 403 where roles are
 * required, 404 where the path names a branch, version, submission or webhook, and 400 where the
 * request carries input. Error responses a resource declares itself (409, 410, 416, 422) keep their
 * description and get the schema. Written once here rather than on each of the ~25 operations, so
 * that a new operation is documented the same way without anyone remembering to.
 */
@OpenApiFilter
public class ProblemResponses implements OASFilter {

    static final String SCHEMA = "Problem";

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> STANDARD = Map.of(
            "400", "The request breaks a rule: `errors[]` names each one with its field (and its JSON Pointer)",
            "401", "No valid bearer token: sign in with `medforge login` or the client-credentials flow",
            "403", "The token's roles do not include one this operation needs",
            "404", "What the path names does not exist, or belongs to another institution");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, operation) ->
                document(path, method, operation)));
    }

    private static void document(String path, PathItem.HttpMethod method, Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        boolean roles = secured && operation.getSecurity().stream()
                .anyMatch(requirement -> requirement.getSchemes().values().stream().anyMatch(r -> r != null && !r.isEmpty()));
        boolean input = operation.getRequestBody() != null || path.contains("{")
                || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        if (secured) {
            standard(responses, "401");
        }
        if (roles) {
            standard(responses, "403");
        }
        if (path.contains("{")) {
            standard(responses, "404");
        }
        if (input) {
            standard(responses, "400");
        }
        responses.getAPIResponses().forEach((code, response) -> {
            if (code.startsWith("4") && (response.getContent() == null || response.getContent().getMediaTypes().isEmpty())) {
                response.setContent(problemContent(Integer.parseInt(code), method + " " + path));
            }
        });
    }

    private static void standard(APIResponses responses, String code) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(STANDARD.get(code)));
        }
    }

    private static Content problemContent(int status, String operation) {
        // A template rather than a real case: one example serves every operation's 400.
        List<Problem.FieldError> errors = status == 400
                ? List.of(new Problem.FieldError("RULE_CODE", "member.of.the.request", "what the rule asks, and what was sent"))
                : List.of();
        Problem example = Problem.of(status, "what went wrong with this request, in words", errors)
                .withInstance(operation.substring(operation.indexOf(' ') + 1));
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(SCHEMA))
                .example(JSON.convertValue(example, new TypeReference<Map<String, Object>>() { })));
    }
}
