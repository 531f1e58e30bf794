package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.VersionDiff;
import dev.medforge.gateway.client.RegistryClient;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.VersionDiffs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/** Branches, their policy and tasks, and the published versions subscribers download. */
@Path("/api/v1/branches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BranchResource {

    private static final Duration REGISTRY_TIMEOUT = Duration.ofSeconds(30);

    private final RegistryClient registry;
    private final ArtifactStore store;
    private final CurrentCaller currentCaller;
    private final VersionDiffs diffs;

    BranchResource(RegistryClient registry, ArtifactStore store, CurrentCaller currentCaller, VersionDiffs diffs) {
        this.registry = registry;
        this.store = store;
        this.currentCaller = currentCaller;
        this.diffs = diffs;
    }

    @GET
    @RolesAllowed({Caller.SUBSCRIBER, Caller.OPERATOR})
    @Operation(summary = "Every branch with its base model, policy and head", description = "Role subscriber or operator.")
    public Uni<JsonNode> branches() {
        return registry.branches();
    }

    @POST
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Register a branch on a base model, or fork a published version",
            description = "Role operator. Body: {id, baseModel: {id, digest, architecture}, policy: {strategy, maxRegression, maxNewTaskGap, "
                    + "rankLimit, normBound, maxMembershipAuc, minNearestRealRatio, maxDistilledPerClass, privacyAuditRequired}}; or, to fork, {id, fromBranch, fromVersion, policy} without baseModel: the version's "
                    + "composite becomes the new branch's version 1, with the source's base model, tasks and owners, and its policy "
                    + "where the body sets none. 422 naming fromBranch or fromVersion when that branch or version does not exist.")
    public Uni<Response> create(JsonNode request) {
        return registry.createBranch(request).map(branch -> Response
                .created(URI.create("/api/v1/branches/" + branch.path("id").asText()))
                .entity(branch).build());
    }

    @PATCH
    @Path("/{branch}/policy")
    @Consumes(MergePatch.MEDIA_TYPE)
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Change the branch's merge strategy, gate policy and privacy rules",
            description = "Role operator. Body: a JSON merge patch (RFC 7396, application/merge-patch+json) of the policy fields of "
                    + "POST /branches: a field with a value sets it, a field set to null goes back to the registry's default, fields left "
                    + "out keep their value; an unknown field is 400 UNKNOWN_FIELD. The privacy rules (maxMembershipAuc, "
                    + "minNearestRealRatio, maxDistilledPerClass, privacyAuditRequired) apply from the next submission.")
    public Uni<JsonNode> patchPolicy(@PathParam("branch") String branch, JsonNode patch) {
        return registry.patchPolicy(branch, patch);
    }

    @PUT
    @Path("/{branch}/policy")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Set policy fields (kept for one release; use PATCH)", deprecated = true,
            description = "Role operator. Body: any of the policy fields of POST /branches. Fields left out keep their value, so this is "
                    + "the PATCH above without the way back to a default.")
    public Uni<JsonNode> updatePolicy(@PathParam("branch") String branch, JsonNode policy) {
        return registry.updatePolicy(branch, policy);
    }

    @POST
    @Path("/{branch}/tasks")
    @RolesAllowed(Caller.CONTRIBUTOR)
    @Operation(summary = "Register a task with its class names and evaluation suite",
            description = "Role contributor, for its own institution. Body: {name, classNames[], evaluationSuite: digest}.")
    public Uni<Response> registerTask(@PathParam("branch") String branch, ObjectNode task) {
        if (task == null) {
            throw GatewayException.badRequest("REQUIRED", "body", "a JSON body is required");
        }
        String claimed = task.hasNonNull("institution") ? task.get("institution").asText() : null;
        ObjectNode request = task.deepCopy().put("institution", currentCaller.get().actingInstitution(claimed, "institution"));
        return registry.registerTask(branch, currentCaller.accessToken(), request).map(registered -> Response
                .created(URI.create("/api/v1/branches/" + branch + "/tasks/" + registered.path("name").asText()))
                .entity(registered).build());
    }

    @GET
    @Path("/{branch}/versions")
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "The branch's published versions", description = "Role subscriber.")
    public Uni<JsonNode> versions(@PathParam("branch") String branch) {
        return registry.versions(branch);
    }

    @GET
    @Path("/{branch}/versions/{version}")
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "A version's model card: metrics per task, lineage, strategy and coefficients", description = "Role subscriber.")
    public Uni<JsonNode> modelCard(@PathParam("branch") String branch, @PathParam("version") int version) {
        return registry.version(branch, version);
    }

    @GET
    @Path("/{branch}/versions/{from:[0-9]+}...{to:[0-9]+}")
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "What changed between two versions",
            description = "Role subscriber. Adapters added and removed, strategy and coefficient changes, and each task's accuracy "
                    + "and AUC in both versions with the change in points and the gate's verdict under the branch's policy now.")
    public Uni<VersionDiff> diff(@PathParam("branch") String branch, @PathParam("from") int from, @PathParam("to") int to) {
        return diffs.between(branch, from, to);
    }

    @PUT
    @Path("/{branch}/versions/{version}/availability")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Take a version's download away, or give it back",
            description = "Role operator. Body: {available: false, reason} or {available: true}. An unavailable version's card stays "
                    + "readable and names who took it away, when and why; its download answers 410 with that reason. Typically used on "
                    + "the versions a withdrawal superseded (their cards' `supersededBy`). 409 HEAD_VERSION for the head, which must stay "
                    + "downloadable; 400 naming `reason` when it is missing.")
    public Uni<JsonNode> setAvailability(@PathParam("branch") String branch, @PathParam("version") int version, ObjectNode body) {
        if (body == null) {
            throw GatewayException.badRequest("REQUIRED", "body", "a JSON body is required");
        }
        return registry.setAvailability(branch, version, body.deepCopy().put("requestedBy", currentCaller.get().name()));
    }

    @GET
    @Path("/{branch}/versions/{version}/artifact")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, "application/problem+json"})
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "Download a version's model", description = "Role subscriber. `Repr-Digest` (RFC 9530, sha-256), "
            + "`Digest` (RFC 3230, kept for one release) and `ETag` (sha256:<hex>) name the content; the store checks the bytes "
            + "against their digest before serving. `If-None-Match` with the ETag answers 304; `Range: bytes=N-M` (one range, "
            + "`If-Range` honoured) answers 206 with that part, or 416 when it lies outside the file. A version a withdrawal "
            + "superseded still downloads, with `Deprecation` (RFC 9745, the moment the newer version was published) and "
            + "`Link: <…/versions/N>; rel=\"successor-version\"` (RFC 5829) naming the first version without the contribution. "
            + "One an operator made unavailable answers 410 naming who, when and why.")
    public Response artifact(@PathParam("branch") String branch, @PathParam("version") int version,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, @HeaderParam("Range") String range,
                             @HeaderParam("If-Range") String ifRange) throws IOException {
        JsonNode card = registry.version(branch, version).await().atMost(REGISTRY_TIMEOUT);
        JsonNode unavailable = card.path("unavailable");
        if (unavailable.isObject()) {
            throw GatewayException.gone("VERSION_UNAVAILABLE", "version", "version " + version + " of branch '" + branch
                    + "' may no longer be downloaded: " + unavailable.path("reason").asText() + " (" + unavailable.path("by").asText()
                    + ", " + unavailable.path("at").asText() + "); its card stays readable");
        }
        JsonNode successor = card.path("supersededBy").path(0);
        return download(ArtifactDigest.parse(card.path("artifact").asText()), branch + "-v" + version + ".safetensors",
                ifNoneMatch, range, ifRange, response -> {
                    if (successor.isObject()) {
                        response.header("Deprecation", "@" + Instant.parse(successor.path("at").asText()).getEpochSecond())
                                .header("Link", "</api/v1/branches/" + branch + "/versions/" + successor.path("version").asInt()
                                        + ">; rel=\"successor-version\"");
                    }
                });
    }

    @GET
    @Path("/{branch}/base-model")
    @Produces({MediaType.APPLICATION_OCTET_STREAM, "application/problem+json"})
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "Download the branch's base model weights", description = "Role subscriber. The frozen base every version of "
            + "the branch runs on, as model.safetensors; its architecture.json (with the conventions that say how to run it) is "
            + "the branch's and every model card's `baseModel.architecture`. Headers as for a version's artifact. 404 "
            + "BASE_MODEL_NOT_STORED when the weights were never uploaded to this platform.")
    public Response baseModel(@PathParam("branch") String branch, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                              @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange) throws IOException {
        JsonNode view = registry.branch(branch).await().atMost(REGISTRY_TIMEOUT);
        ArtifactDigest digest = ArtifactDigest.parse(view.path("baseModelDigest").asText());
        if (!store.contains(digest)) {
            throw GatewayException.missing("BASE_MODEL_NOT_STORED", "baseModel", "the weights of base model " + view.path("baseModel").asText()
                    + " (" + digest + ") of branch '" + branch + "' were never uploaded; ask the operator who created the branch");
        }
        return download(digest, "model.safetensors", ifNoneMatch, range, ifRange, response -> { });
    }

    /**
     * Serves stored bytes under their digest: ETag and digest headers, 304 on a matching
     * If-None-Match, one byte range (If-Range honoured), 416 outside the file. {@code extra} adds
     * what only this kind of download says.
     */
    private Response download(ArtifactDigest digest, String fileName, String ifNoneMatch, String range, String ifRange,
                              Consumer<Response.ResponseBuilder> extra) throws IOException {
        EntityTag tag = new EntityTag(digest.toString());
        if (ifNoneMatch != null && matches(ifNoneMatch, tag)) {
            return Response.notModified(tag).build();
        }
        long size = store.size(digest);
        String sha256 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest.hex()));
        Response.ResponseBuilder response;
        try {
            Optional<ByteRange> part = ifRange == null || matches(ifRange, tag) ? ByteRange.parse(range, size) : Optional.empty();
            if (part.isPresent()) {
                response = Response.status(Response.Status.PARTIAL_CONTENT)
                        .entity((StreamingOutput) out -> part.get().copy(store.get(digest), out))
                        .header(HttpHeaders.CONTENT_LENGTH, part.get().length())
                        .header("Content-Range", part.get().contentRange(size));
            } else {
                response = Response.ok(store.get(digest)).header(HttpHeaders.CONTENT_LENGTH, size);
            }
        } catch (ByteRange.Unsatisfiable outside) {
            return Response.status(Response.Status.REQUESTED_RANGE_NOT_SATISFIABLE).header("Content-Range", "bytes */" + size)
                    .tag(tag).build();
        }
        extra.accept(response);
        // Repr-Digest names the whole representation, so a 206 part carries it too and the client checks the assembled file.
        return response.type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Repr-Digest", "sha-256=:" + sha256 + ":")
                .header("Digest", "sha-256=" + sha256)
                .header("Accept-Ranges", "bytes")
                .tag(tag)
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    /** Whether an If-None-Match or If-Range value names this tag ({@code *}, or one of a list; W/ compares weakly). */
    private static boolean matches(String header, EntityTag tag) {
        String wanted = "\"" + tag.getValue() + "\"";
        for (String candidate : header.split(",")) {
            String t = candidate.strip();
            if (t.equals("*") || t.equals(wanted) || t.equals("W/" + wanted)) {
                return true;
            }
        }
        return false;
    }
}
