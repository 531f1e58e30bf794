package dev.medforge.registry.rest;

import dev.medforge.contracts.registry.OnBehalfOf;
import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.registry.api.WebhookRequests;
import dev.medforge.registry.api.WebhookRequests.NewWebhook;
import dev.medforge.registry.mapping.WebhookMapper;
import dev.medforge.registry.security.ActingUsers;
import dev.medforge.registry.service.WebhookService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.List;

import static dev.medforge.registry.security.ServiceRoles.GATEWAY;

/**
 * Internal API for the gateways: subscribers' webhooks and their delivery logs, in the database so
 * that every gateway delivers from and logs into the same store. Making and deleting one is for the
 * user whose token the gateway forwards ({@link OnBehalfOf}); delivering reads them all.
 */
@Path("/internal/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(GATEWAY)
public class WebhookResource {

    private final WebhookService webhooks;
    private final ActingUsers users;

    WebhookResource(WebhookService webhooks, ActingUsers users) {
        this.webhooks = webhooks;
        this.users = users;
    }

    @POST
    public Uni<Response> create(@HeaderParam(OnBehalfOf.HEADER) String onBehalfOf, NewWebhook request) {
        NewWebhook.validate(request);
        return users.verify(onBehalfOf)
                .invoke(user -> user.mustBeSubject(request.owner(), "owner"))
                .flatMap(user -> webhooks.create(request)).map(webhook -> Response.created(URI.create("/internal/webhooks/" + webhook.id))
                .entity(WebhookMapper.toView(webhook)).build());
    }

    /** One owner's webhooks, or every webhook without {@code owner}. */
    @GET
    public Uni<List<Webhooks.Webhook>> list(@QueryParam("owner") String owner) {
        return webhooks.list(owner).map(all -> all.stream().map(WebhookMapper::toView).toList());
    }

    @GET
    @Path("/{id}")
    public Uni<Webhooks.Webhook> find(@PathParam("id") String id) {
        return webhooks.find(id).map(WebhookMapper::toView);
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id, @HeaderParam(OnBehalfOf.HEADER) String onBehalfOf) {
        return users.verify(onBehalfOf).flatMap(user -> webhooks.delete(id, user.subject())).map(nothing -> Response.noContent().build());
    }

    @GET
    @Path("/{id}/deliveries")
    public Uni<List<Webhooks.Delivery>> deliveries(@PathParam("id") String id) {
        return webhooks.deliveries(id).map(all -> all.stream().map(WebhookMapper::toView).toList());
    }

    @POST
    @Path("/{id}/deliveries")
    public Uni<Response> record(@PathParam("id") String id, Webhooks.Delivery request) {
        WebhookRequests.validate(request);
        return webhooks.record(id, request).map(delivery -> Response.status(201).entity(WebhookMapper.toView(delivery)).build());
    }
}
