package dev.medforge.registry.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.Page;
import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.registry.Requests.AvailabilityRequest;
import dev.medforge.contracts.registry.Requests.CreateBranch;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.contracts.registry.Requests.RegisterTask;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.DecisionView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.registry.Branch;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.api.PolicyPatch;
import dev.medforge.registry.api.RequestRules;
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
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestResponse;

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
    private final RequestRules rules;

    BranchResource(BranchService branches, VersionService versions, ActingUsers users, RequestRules rules) {
        this.branches = branches;
        this.versions = versions;
        this.users = users;
        this.rules = rules;
    }

    @RolesAllowed(GATEWAY)
    @POST
    public Uni<Response> create(CreateBranch request) {
        rules.check(request);
        return branches.create(request)
                .flatMap(this::view)
                .map(view -> Response.created(URI.create("/internal/branches/" + view.id())).entity(view).build());
    }

    /** Every branch by id; {@code after} (a branch id) and {@code limit} page through them ({@link Page}). */
    @RolesAllowed(GATEWAY)
    @GET
    public Uni<RestResponse<List<BranchView>>> list(@QueryParam(Page.AFTER) String after, @QueryParam(Page.LIMIT) Integer limit) {
        throwIfAny(Page.check(limit));
        return branches.listWithBaseModels(after, limit).map(all -> paged(Page.of(all.entrySet().stream()
                .map(e -> BranchMapper.toView(e.getKey(), e.getValue()))
                .toList(), BranchView::id, after, limit), "/internal/branches"));
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
        rules.check(policy);
        return branches.updatePolicy(branchId, policy)
                .flatMap(this::view);
    }

    /** A JSON merge patch of the policy: null sets a field back to the registry's default. */
    @RolesAllowed(GATEWAY)
    @PATCH
    @Path("/{branch}/policy")
    @Consumes(MergePatch.MEDIA_TYPE)
    public Uni<BranchView> patchPolicy(@PathParam("branch") String branchId, JsonNode patch) throws JsonProcessingException {
        PolicyRequest policy = PolicyPatch.apply(patch, branches.defaultPolicy());
        rules.check(policy);
        return branches.updatePolicy(branchId, policy)
                .flatMap(this::view);
    }

    @RolesAllowed(GATEWAY)
    @POST
    @Path("/{branch}/tasks")
    public Uni<Response> registerTask(@PathParam("branch") String branchId, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf,
                                      RegisterTask request) {
        rules.check(request);
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

    /**
     * The branch's published versions, oldest first; {@code after} and {@code limit} page through
     * them ({@link Page}), and without {@code limit} the answer holds every version.
     */
    @RolesAllowed(GATEWAY)
    @GET
    @Path("/{branch}/versions")
    public Uni<RestResponse<List<VersionView>>> versions(@PathParam("branch") String branchId, @QueryParam(Page.AFTER) Integer after,
                                                         @QueryParam(Page.LIMIT) Integer limit) {
        throwIfAny(Page.check(after, limit));
        return versions.versions(branchId, after, limit).map(read -> paged(
                Page.of(read.stream().map(BranchMapper::toView).toList(), VersionView::version, after, limit),
                "/internal/branches/" + branchId + "/versions"));
    }

    private static void throwIfAny(List<FieldError> paging) {
        if (!paging.isEmpty()) {
            throw RegistryException.invalid(paging);
        }
    }

    private static <T> RestResponse<List<T>> paged(Page<T> page, String path) {
        RestResponse.ResponseBuilder<List<T>> answer = RestResponse.ResponseBuilder.ok(page.items());
        page.link(path).ifPresent(link -> answer.header(HttpHeaders.LINK, link));
        return answer.build();
    }

    @RolesAllowed(GATEWAY)
    @GET
    @Path("/{branch}/decisions")
    public Uni<List<DecisionView>> decisions(@PathParam("branch") String branchId) {
        return branches.decisions(branchId).map(all -> all.stream().map(BranchMapper::toView).toList());
    }

    /** One composite's decision, for the merge worker that waits on it; the list above stays the console's. */
    @RolesAllowed({GATEWAY, MERGE})
    @GET
    @Path("/{branch}/decisions/{composite}")
    public Uni<DecisionView> decision(@PathParam("branch") String branchId, @PathParam("composite") String compositeId) {
        return branches.decision(branchId, compositeId).map(BranchMapper::toView);
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
        rules.check(request);
        return versions.setAvailability(branchId, number, request).map(BranchMapper::toView);
    }

    private Uni<BranchView> view(Branch branch) {
        return branches.baseModelOf(branch).map(base -> BranchMapper.toView(branch, base));
    }
}
