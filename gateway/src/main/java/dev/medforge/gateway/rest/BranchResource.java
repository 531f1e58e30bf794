package dev.medforge.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.Page;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Requests.AvailabilityRequest;
import dev.medforge.contracts.registry.Requests.CreateBranch;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.contracts.registry.Requests.RegisterTask;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.VersionDiff;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.VersionDiffs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

import java.net.URI;
import java.util.List;

/** Branches, their policy and tasks, and their published versions; {@link DownloadResource} serves their files. */
@Path("/api/v1/branches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BranchResource {

    private final RegistryClient registry;
    private final CurrentCaller currentCaller;
    private final VersionDiffs diffs;

    BranchResource(@RestClient RegistryClient registry, CurrentCaller currentCaller, VersionDiffs diffs) {
        this.registry = registry;
        this.currentCaller = currentCaller;
        this.diffs = diffs;
    }

    @GET
    @RolesAllowed({Caller.SUBSCRIBER, Caller.OPERATOR})
    @Operation(summary = "Every branch with its base model, policy and head, by id", description = "Role subscriber or operator. "
            + RegistryPages.PAGED_AFTER_THE_LAST + "branch id" + RegistryPages.PAGED_REST)
    @APIResponse(responseCode = "200", description = "A page of branches",
            headers = @Header(name = HttpHeaders.LINK, description = RegistryPages.NEXT_PAGE_LINK),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = BranchView.class)))
    public Uni<RestResponse<List<BranchView>>> branches(@QueryParam(Page.AFTER) String after, @QueryParam(Page.LIMIT) Integer limit) {
        return registry.branches(after, limit).map(answer -> RegistryPages.relay(answer, "/api/v1/branches"));
    }

    @POST
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Register a branch on a base model, or fork a published version",
            description = "Role operator. Body: {id, baseModel: {id, digest, architecture}, policy: {strategy, maxRegression, maxNewTaskGap, "
                    + "rankLimit, normBound, maxMembershipAuc, minNearestRealRatio, maxDistilledPerClass, privacyAuditRequired}}; or, to fork, {id, fromBranch, fromVersion, policy} without baseModel: the version's "
                    + "composite becomes the new branch's version 1, with the source's base model, tasks and owners, and its policy "
                    + "where the body sets none. 422 naming fromBranch or fromVersion when that branch or version does not exist.")
    @APIResponse(responseCode = "201", description = "Registered", content = @Content(schema = @Schema(implementation = BranchView.class)))
    @APIResponse(responseCode = "409", description = "A branch of that id exists, or the base model's id is registered with another digest")
    @APIResponse(responseCode = "422", description = "fromBranch or fromVersion names nothing that exists")
    public Uni<Response> create(@RequestBody(content = @Content(schema = @Schema(implementation = CreateBranch.class))) JsonNode request) {
        return registry.createBranch(request).map(branch -> Response
                .created(URI.create("/api/v1/branches/" + branch.id()))
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
    public Uni<BranchView> patchPolicy(@PathParam("branch") String branch, @RequestBody(content = @Content(mediaType = MergePatch.MEDIA_TYPE,
            schema = @Schema(implementation = PolicyRequest.class))) JsonNode patch) {
        return registry.patchPolicy(branch, patch);
    }

    @PUT
    @Path("/{branch}/policy")
    @RolesAllowed(Caller.OPERATOR)
    @Operation(summary = "Set policy fields (kept for one release; use PATCH)", deprecated = true,
            description = "Role operator. Body: any of the policy fields of POST /branches. Fields left out keep their value, so this is "
                    + "the PATCH above without the way back to a default.")
    public Uni<BranchView> updatePolicy(@PathParam("branch") String branch,
                                        @RequestBody(content = @Content(schema = @Schema(implementation = PolicyRequest.class))) JsonNode policy) {
        return registry.updatePolicy(branch, policy);
    }

    @POST
    @Path("/{branch}/tasks")
    @RolesAllowed(Caller.CONTRIBUTOR)
    @Operation(summary = "Register a task with its class names and evaluation suite",
            description = "Role contributor, for its own institution. Body: {name, classNames[], evaluationSuite: digest}.")
    @APIResponse(responseCode = "201", description = "Registered; the same task sent again answers with it as it is",
            content = @Content(schema = @Schema(implementation = TaskView.class)))
    @APIResponse(responseCode = "409", description = "The name is taken: by another institution, or by yours with other classes or suite")
    public Uni<Response> registerTask(@PathParam("branch") String branch,
                                      @RequestBody(content = @Content(schema = @Schema(implementation = RegisterTask.class))) ObjectNode task) {
        if (task == null) {
            throw GatewayException.badRequest("REQUIRED", "body", "a JSON body is required");
        }
        String claimed = task.hasNonNull("institution") ? task.get("institution").asText() : null;
        ObjectNode request = task.deepCopy().put("institution", currentCaller.get().actingInstitution(claimed, "institution"));
        return registry.registerTask(branch, currentCaller.accessToken(), request).map(registered -> Response
                .created(URI.create("/api/v1/branches/" + branch + "/tasks/" + registered.name()))
                .entity(registered).build());
    }

    @GET
    @Path("/{branch}/versions")
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "The branch's published versions, oldest first", description = "Role subscriber. "
            + RegistryPages.PAGED_AFTER_THE_LAST + "version number" + RegistryPages.PAGED_REST)
    @APIResponse(responseCode = "200", description = "A page of versions",
            headers = @Header(name = HttpHeaders.LINK, description = RegistryPages.NEXT_PAGE_LINK),
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = VersionView.class)))
    public Uni<RestResponse<List<VersionView>>> versions(@PathParam("branch") String branch, @QueryParam(Page.AFTER) Integer after,
                                                         @QueryParam(Page.LIMIT) Integer limit) {
        return registry.versions(branch, after, limit)
                .map(answer -> RegistryPages.relay(answer, "/api/v1/branches/" + branch + "/versions"));
    }

    @GET
    @Path("/{branch}/versions/{version}")
    @RolesAllowed(Caller.SUBSCRIBER)
    @Operation(summary = "A version's model card: metrics per task, lineage, strategy and coefficients", description = "Role subscriber.")
    public Uni<ModelCard> modelCard(@PathParam("branch") String branch, @PathParam("version") int version) {
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
    public Uni<VersionView> setAvailability(@PathParam("branch") String branch, @PathParam("version") int version,
                                            @RequestBody(content = @Content(schema = @Schema(implementation = AvailabilityRequest.class))) ObjectNode body) {
        if (body == null) {
            throw GatewayException.badRequest("REQUIRED", "body", "a JSON body is required");
        }
        return registry.setAvailability(branch, version, body.deepCopy().put("requestedBy", currentCaller.get().name()));
    }
}
