package dev.medforge.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.registry.Branch;
import dev.medforge.registry.api.AvailabilityRequest;
import dev.medforge.registry.api.BranchRequests;
import dev.medforge.registry.api.BranchRequests.CreateBranch;
import dev.medforge.registry.api.BranchRequests.PolicyRequest;
import dev.medforge.registry.api.BranchRequests.RegisterTask;
import dev.medforge.registry.api.Views.BranchView;
import dev.medforge.registry.api.Views.DecisionView;
import dev.medforge.registry.api.Views.ModelCard;
import dev.medforge.registry.api.Views.TaskView;
import dev.medforge.registry.api.Views.VersionView;
import dev.medforge.registry.mapping.BranchMapper;
import dev.medforge.registry.security.ActingUsers;
import dev.medforge.registry.service.BranchService;
import dev.medforge.registry.service.VersionService;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

import static dev.medforge.registry.security.ServiceRoles.EVAL;
import static dev.medforge.registry.security.ServiceRoles.GATEWAY;
import static dev.medforge.registry.security.ServiceRoles.INGEST;
import static dev.medforge.registry.security.ServiceRoles.MERGE;

/**
 * Internal API for the gateway and the pipeline services: branches, their policy, tasks and versions.
 * Changes come only through the gateway, which checks the user's role; a task is registered for the
 * institution of the user whose token the gateway forwards ({@link OnBehalfOf}). The pipeline
 * services read what their stage needs.
 */
@Path("/internal/branches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BranchResource {

    private final BranchService branches;
    private final VersionService versions;
    private final ActingUsers users;

    BranchResource(BranchService branches, VersionService versions, ActingUsers users) {
        this.branches = branches;
        this.versions = versions;
        this.users = users;
    }

    @RolesAllowed(GATEWAY)
    @POST
    public Uni<Response> create(CreateBranch request) {
        BranchRequests.validate(request);
        return branches.create(request)
                .flatMap(this::view)
                .map(view -> Response.created(URI.create("/internal/branches/" + view.id())).entity(view).build());
    }

    @RolesAllowed(GATEWAY)
    @GET
    public Uni<List<BranchView>> list() {
        return branches.listWithBaseModels().map(all -> all.entrySet().stream()
                .map(e -> BranchMapper.toView(e.getKey(), e.getValue()))
                .toList());
    }

    @RolesAllowed({GATEWAY, MERGE, EVAL, INGEST})
    @GET
    @Path("/{branch}")
    public Uni<BranchView> get(@PathParam("branch") String branchId) {
        return branches.find(branchId).flatMap(this::view);
    }

    @RolesAllowed(GATEWAY)
    @PUT
    @Path("/{branch}/policy")
    public Uni<BranchView> updatePolicy(@PathParam("branch") String branchId, PolicyRequest policy) {
        BranchRequests.validate(policy);
        return branches.updatePolicy(branchId, policy)
                .flatMap(this::view);
    }

    /** A JSON merge patch of the policy: null sets a field back to the registry's default. */
    @RolesAllowed(GATEWAY)
    @PATCH
    @Path("/{branch}/policy")
    @Consumes(MergePatch.MEDIA_TYPE)
    public Uni<BranchView> patchPolicy(@PathParam("branch") String branchId, JsonNode patch) throws JsonProcessingException {
        PolicyRequest policy = BranchRequests.mergePatch(patch, branches.defaultPolicy());
        BranchRequests.validate(policy);
        return branches.updatePolicy(branchId, policy)
                .flatMap(this::view);
    }

    @RolesAllowed(GATEWAY)
    @POST
    @Path("/{branch}/tasks")
    public Uni<Response> registerTask(@PathParam("branch") String branchId, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf,
                                      RegisterTask request) {
        BranchRequests.validate(request);
        return users.verify(onBehalfOf)
                .invoke(user -> user.institutionFor(request.institution(), "institution"))
                .flatMap(user -> branches.registerTask(branchId, request))
                .map(task -> Response.created(URI.create("/internal/branches/" + branchId + "/tasks/" + task.name))
                        .entity(BranchMapper.toView(task)).build());
    }

    @RolesAllowed({GATEWAY, MERGE, EVAL, INGEST})
    @GET
    @Path("/{branch}/tasks")
    public Uni<List<TaskView>> tasks(@PathParam("branch") String branchId) {
        return branches.tasks(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    @RolesAllowed(GATEWAY)
    @GET
    @Path("/{branch}/versions")
    public Uni<List<VersionView>> versions(@PathParam("branch") String branchId) {
        return versions.versions(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    @RolesAllowed(GATEWAY)
    @GET
    @Path("/{branch}/decisions")
    public Uni<List<DecisionView>> decisions(@PathParam("branch") String branchId) {
        return branches.decisions(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    @RolesAllowed({GATEWAY, MERGE, EVAL})
    @GET
    @Path("/{branch}/versions/{version}")
    public Uni<ModelCard> card(@PathParam("branch") String branchId, @PathParam("version") int number) {
        return versions.described(branchId, number).map(BranchMapper::toCard);
    }

    @RolesAllowed(GATEWAY)
    @PUT
    @Path("/{branch}/versions/{version}/availability")
    public Uni<VersionView> setAvailability(@PathParam("branch") String branchId, @PathParam("version") int number,
                                            AvailabilityRequest request) {
        AvailabilityRequest.validate(request);
        return versions.setAvailability(branchId, number, request).map(BranchMapper::toView);
    }

    private Uni<BranchView> view(Branch branch) {
        return branches.baseModelOf(branch).map(base -> BranchMapper.toView(branch, base));
    }
}
