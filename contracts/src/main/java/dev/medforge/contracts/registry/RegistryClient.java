package dev.medforge.contracts.registry;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.TaskMetrics;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/**
 * What the pipeline services read from the registry's internal API: a branch's base model and
 * policy, its tasks with their evaluation suites, and published versions. The registry stays the
 * one owner of this state; services ask rather than keep copies that could go stale. Each call
 * carries a client-credentials token of the calling service's own identity (quarkus.oidc-client.*).
 */
@OidcClientFilter
@RegisterRestClient(configKey = "registry")
@Path("/internal/branches")
public interface RegistryClient {

    /** The gate's and ingest's rules for the branch; the privacy ones are checked against each submission's privacy report. */
    record Policy(String strategy, double maxRegression, double maxNewTaskGap, int rankLimit, double normBound,
                  double maxMembershipAuc, double minNearestRealRatio, int maxDistilledPerClass, boolean privacyAuditRequired) {
    }

    record BranchInfo(String id, String baseModel, String baseModelDigest, String baseModelArchitecture, Policy policy,
                      int headVersion, String headCompositeId) {
    }

    record TaskInfo(String name, String institution, List<String> classNames, String evaluationSuite) {
    }

    record VersionInfo(String branch, int version, int parentVersion, String compositeId, String artifact, String strategy,
                       Map<String, TaskMetrics> metrics, List<AdapterRef> adapters) {
    }

    @GET
    @Path("/{branch}")
    BranchInfo branch(@PathParam("branch") String branch);

    @GET
    @Path("/{branch}/tasks")
    List<TaskInfo> tasks(@PathParam("branch") String branch);

    @GET
    @Path("/{branch}/versions/{version}")
    VersionInfo version(@PathParam("branch") String branch, @PathParam("version") int version);
}
