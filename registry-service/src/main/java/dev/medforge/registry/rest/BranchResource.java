package dev.medforge.registry.rest;

import dev.medforge.registry.mapping.BranchMapper;
import dev.medforge.registry.rest.BranchRequests.CreateBranch;
import dev.medforge.registry.rest.BranchRequests.PolicyRequest;
import dev.medforge.registry.rest.BranchRequests.RegisterTask;
import dev.medforge.registry.rest.Views.BranchView;
import dev.medforge.registry.rest.Views.ModelCard;
import dev.medforge.registry.rest.Views.TaskView;
import dev.medforge.registry.rest.Views.VersionView;
import dev.medforge.registry.service.BranchService;
import dev.medforge.registry.service.VersionService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

/** Internal API for the gateway and operators' bootstrap: branches, their policy, tasks and versions. */
@Path("/internal/branches")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BranchResource {

    private final BranchService branches;
    private final VersionService versions;

    BranchResource(BranchService branches, VersionService versions) {
        this.branches = branches;
        this.versions = versions;
    }

    @POST
    public Uni<Response> create(CreateBranch request) {
        BranchRequests.validate(request);
        return branches.create(request)
                .flatMap(branch -> branches.baseModelOf(branch).map(base -> BranchMapper.toView(branch, base)))
                .map(view -> Response.created(URI.create("/internal/branches/" + view.id())).entity(view).build());
    }

    @GET
    public Uni<List<BranchView>> list() {
        return branches.listWithBaseModels().map(all -> all.entrySet().stream()
                .map(e -> BranchMapper.toView(e.getKey(), e.getValue()))
                .toList());
    }

    @GET
    @Path("/{branch}")
    public Uni<BranchView> get(@PathParam("branch") String branchId) {
        return branches.find(branchId).flatMap(b -> branches.baseModelOf(b).map(base -> BranchMapper.toView(b, base)));
    }

    @PUT
    @Path("/{branch}/policy")
    public Uni<BranchView> updatePolicy(@PathParam("branch") String branchId, PolicyRequest policy) {
        BranchRequests.validate(policy);
        return branches.updatePolicy(branchId, policy)
                .flatMap(b -> branches.baseModelOf(b).map(base -> BranchMapper.toView(b, base)));
    }

    @POST
    @Path("/{branch}/tasks")
    public Uni<Response> registerTask(@PathParam("branch") String branchId, RegisterTask request) {
        BranchRequests.validate(request);
        return branches.registerTask(branchId, request)
                .map(task -> Response.created(URI.create("/internal/branches/" + branchId + "/tasks/" + task.name))
                        .entity(BranchMapper.toView(task)).build());
    }

    @GET
    @Path("/{branch}/tasks")
    public Uni<List<TaskView>> tasks(@PathParam("branch") String branchId) {
        return branches.tasks(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    @GET
    @Path("/{branch}/versions")
    public Uni<List<VersionView>> versions(@PathParam("branch") String branchId) {
        return versions.versions(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    @GET
    @Path("/{branch}/versions/{version}")
    public Uni<ModelCard> card(@PathParam("branch") String branchId, @PathParam("version") int number) {
        return versions.version(branchId, number).map(BranchMapper::toCard);
    }
}
