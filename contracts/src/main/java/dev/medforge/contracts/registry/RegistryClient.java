package dev.medforge.ingest.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;

/** The part of the registry's internal API that validation needs: the branch's base and policy, and its tasks. */
@RegisterRestClient(configKey = "registry")
@Path("/internal/branches")
public interface RegistryClient {

    record Policy(int rankLimit, double normBound) {
    }

    record BranchInfo(String id, String baseModel, String baseModelDigest, String baseModelArchitecture, Policy policy) {
    }

    record TaskInfo(String name, String institution, List<String> classNames) {
    }

    @GET
    @Path("/{branch}")
    BranchInfo branch(@PathParam("branch") String branch);

    @GET
    @Path("/{branch}/tasks")
    List<TaskInfo> tasks(@PathParam("branch") String branch);
}
