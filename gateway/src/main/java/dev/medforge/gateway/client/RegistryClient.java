package dev.medforge.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.medforge.contracts.MergePatch;
import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.contracts.registry.Webhooks.Webhook;
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

import java.util.List;

/**
 * The registry's internal API. Bodies stay JSON trees: the registry validates and owns their shape,
 * and the gateway only adds who may ask, so it does not keep a second copy of every view. Webhooks
 * are the exception: the gateway signs and sends their deliveries, so it reads them as its own records.
 * A change made for a user carries that user's own token ({@link OnBehalfOf}), which the registry
 * verifies: whose task, withdrawal or webhook it is comes from that token.
 */
@Path("/internal")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface RegistryClient {

    @GET
    @Path("/submissions/{id}")
    Uni<JsonNode> submission(@PathParam("id") String id);

    @GET
    @Path("/branches")
    Uni<JsonNode> branches();

    @GET
    @Path("/branches/{branch}")
    Uni<JsonNode> branch(@PathParam("branch") String branch);

    @POST
    @Path("/branches")
    Uni<JsonNode> createBranch(JsonNode request);

    @PUT
    @Path("/branches/{branch}/policy")
    Uni<JsonNode> updatePolicy(@PathParam("branch") String branch, JsonNode policy);

    @PATCH
    @Path("/branches/{branch}/policy")
    @Consumes(MergePatch.MEDIA_TYPE)
    Uni<JsonNode> patchPolicy(@PathParam("branch") String branch, JsonNode patch);

    @POST
    @Path("/branches/{branch}/tasks")
    Uni<JsonNode> registerTask(@PathParam("branch") String branch, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, JsonNode task);

    @GET
    @Path("/branches/{branch}/versions")
    Uni<JsonNode> versions(@PathParam("branch") String branch);

    @GET
    @Path("/branches/{branch}/versions/{version}")
    Uni<JsonNode> version(@PathParam("branch") String branch, @PathParam("version") int version);

    @GET
    @Path("/branches/{branch}/decisions")
    Uni<JsonNode> decisions(@PathParam("branch") String branch);

    @PUT
    @Path("/branches/{branch}/versions/{version}/availability")
    Uni<JsonNode> setAvailability(@PathParam("branch") String branch, @PathParam("version") int version, JsonNode request);

    @POST
    @Path("/branches/{branch}/submissions/{id}/withdrawal")
    Uni<JsonNode> withdraw(@PathParam("branch") String branch, @PathParam("id") String submissionId,
                           @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, JsonNode request);

    @POST
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
    @Path("/webhooks/{id}")
    Uni<Void> deleteWebhook(@PathParam("id") String id, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf);

    @GET
    @Path("/webhooks/{id}/deliveries")
    Uni<List<Webhooks.Delivery>> webhookDeliveries(@PathParam("id") String id);

    /** A 404 means the webhook was deleted, through any gateway: no further attempts. */
    @POST
    @Path("/webhooks/{id}/deliveries")
    Uni<Webhooks.Delivery> recordWebhookDelivery(@PathParam("id") String id, Webhooks.Delivery delivery);
}
