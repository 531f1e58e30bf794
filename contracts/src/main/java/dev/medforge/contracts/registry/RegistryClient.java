package dev.medforge.contracts.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.Page;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.DecisionView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.contracts.registry.Views.WithdrawalView;
import dev.medforge.contracts.registry.Webhooks.Delivery;
import dev.medforge.contracts.registry.Webhooks.Webhook;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import io.smallrye.faulttolerance.api.RetryWhen;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestResponse;

import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The registry's internal API, the one client every service calls it through, at the one address
 * {@code quarkus.rest-client.registry.url} ({@code MEDFORGE_REGISTRY_URL}). The registry stays the one
 * owner of branches, tasks, versions, submissions and webhooks; services ask rather than keep copies
 * that could go stale, and read its own {@link Views}, so a field it adds reaches every service at once.
 *
 * <p>Every call carries a client-credentials token of the calling service's own identity
 * ({@code quarkus.oidc-client.*}); the registry checks its role per endpoint. A change made for a
 * user also carries that user's own token ({@link OnBehalfOf}), which the registry verifies: whose
 * task, withdrawal or webhook it is comes from that token. Request bodies stay JSON trees: the
 * registry validates them and names every broken rule.
 *
 * <p>Every call gives up after {@value #TIMEOUT_SECONDS} s. Reads are retried twice with backoff on a
 * failure that may pass ({@link TransientRegistryFailure}: a registry restarting, a 5xx), so a blip
 * costs a caller a moment instead of its request; an outage longer than that is each caller's to
 * wait out (the consumers' {@code dependency-retry}), and a slow registry is not asked again.
 * Changes opt out ({@code maxRetries = 0}): the registry may have made one whose answer was lost.
 * A test (RegistryClientRetryRuleTest) fails the build when a method other than a GET does not.
 */
@OidcClientFilter
@RegisterRestClient(configKey = "registry")
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Timeout(value = RegistryClient.TIMEOUT_SECONDS, unit = ChronoUnit.SECONDS)
@Retry(maxRetries = 2, delay = 200)
@ExponentialBackoff(maxDelay = 2000)
@RetryWhen(exception = TransientRegistryFailure.class)
public interface RegistryClient {

    long TIMEOUT_SECONDS = 10;

    @GET
    @Path("/submissions/{id}")
    Uni<SubmissionView> submission(@PathParam("id") String id);

    /** A page of the branches by id ({@link Page}); its {@code Link} header names the next. Null {@code limit}: all of them. */
    @GET
    @Path("/branches")
    Uni<RestResponse<List<BranchView>>> branches(@QueryParam(Page.AFTER) String after, @QueryParam(Page.LIMIT) Integer limit);

    @GET
    @Path("/branches/{branch}")
    Uni<BranchView> branch(@PathParam("branch") String branch);

    @POST
    @Retry(maxRetries = 0)
    @Path("/branches")
    Uni<BranchView> createBranch(JsonNode request);

    @PUT
    @Retry(maxRetries = 0)
    @Path("/branches/{branch}/policy")
    Uni<BranchView> updatePolicy(@PathParam("branch") String branch, JsonNode policy);

    @PATCH
    @Retry(maxRetries = 0)
    @Path("/branches/{branch}/policy")
    @Consumes(MergePatch.MEDIA_TYPE)
    Uni<BranchView> patchPolicy(@PathParam("branch") String branch, JsonNode patch);

    @POST
    @Retry(maxRetries = 0)
    @Path("/branches/{branch}/tasks")
    Uni<TaskView> registerTask(@PathParam("branch") String branch, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, JsonNode task);

    @GET
    @Path("/branches/{branch}/tasks")
    Uni<List<TaskView>> tasks(@PathParam("branch") String branch);

    /** A page of the versions ({@link Page}); its {@code Link} header names the next. Null {@code limit}: all of them. */
    @GET
    @Path("/branches/{branch}/versions")
    Uni<RestResponse<List<VersionView>>> versions(@PathParam("branch") String branch, @QueryParam(Page.AFTER) Integer after,
                                                  @QueryParam(Page.LIMIT) Integer limit);

    @GET
    @Path("/branches/{branch}/versions/{version}")
    Uni<ModelCard> version(@PathParam("branch") String branch, @PathParam("version") int version);

    @GET
    @Path("/branches/{branch}/decisions")
    Uni<List<DecisionView>> decisions(@PathParam("branch") String branch);

    /** The registry's decision on one composite; a 404 while it has none. */
    @GET
    @Path("/branches/{branch}/decisions/{composite}")
    Uni<DecisionView> decision(@PathParam("branch") String branch, @PathParam("composite") String compositeId);

    @PUT
    @Retry(maxRetries = 0)
    @Path("/branches/{branch}/versions/{version}/availability")
    Uni<VersionView> setAvailability(@PathParam("branch") String branch, @PathParam("version") int version, JsonNode request);

    @POST
    @Retry(maxRetries = 0)
    @Path("/branches/{branch}/submissions/{id}/withdrawal")
    Uni<WithdrawalView> withdraw(@PathParam("branch") String branch, @PathParam("id") String submissionId,
                                 @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, JsonNode request);

    @POST
    @Retry(maxRetries = 0)
    @Path("/webhooks")
    Uni<Webhook> createWebhook(@HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, JsonNode request);

    /** Every webhook when {@code owner} is null. */
    @GET
    @Path("/webhooks")
    Uni<List<Webhook>> webhooks(@QueryParam("owner") String owner);

    @GET
    @Path("/webhooks/{id}")
    Uni<Webhook> webhook(@PathParam("id") String id);

    @DELETE
    @Retry(maxRetries = 0)
    @Path("/webhooks/{id}")
    Uni<Void> deleteWebhook(@PathParam("id") String id, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf);

    @GET
    @Path("/webhooks/{id}/deliveries")
    Uni<List<Delivery>> webhookDeliveries(@PathParam("id") String id);

    /** A 404 means the webhook was deleted, through any gateway: no further attempts. */
    @POST
    @Retry(maxRetries = 0)
    @Path("/webhooks/{id}/deliveries")
    Uni<Delivery> recordWebhookDelivery(@PathParam("id") String id, Delivery delivery);
}
