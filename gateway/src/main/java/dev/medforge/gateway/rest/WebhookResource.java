package dev.medforge.gateway.rest;

import dev.medforge.contracts.registry.Webhooks;
import dev.medforge.contracts.registry.Webhooks.Webhook;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.security.CurrentCaller;
import dev.medforge.gateway.service.WebhookService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** A subscriber's webhooks; each subscriber sees and manages only its own. */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Caller.SUBSCRIBER)
public class WebhookResource {

    private final CurrentCaller currentCaller;
    private final WebhookService webhooks;

    WebhookResource(CurrentCaller currentCaller, WebhookService webhooks) {
        this.currentCaller = currentCaller;
        this.webhooks = webhooks;
    }

    /** The address's own rules (scheme, host, no internal address) are the guard's, which must resolve it. */
    public record CreateWebhook(
            @NotBlank(message = "the URL to post model.published to is required")
            @Schema(description = "an http or https URL that reaches a public address", example = "https://hooks.example.org/medforge")
            String url) {
    }

    /** The secret appears here only, at creation. */
    public record CreatedWebhook(String id, URI url, String secret, Instant createdAt) {
    }

    public record WebhookView(String id, URI url, Instant createdAt) {
        static WebhookView of(Webhook webhook) {
            return new WebhookView(webhook.id(), webhook.url(), webhook.createdAt());
        }
    }

    @POST
    @Operation(summary = "Register a webhook for model.published", description = "Role subscriber. The URL must be http(s) "
            + "without a user part and reach a public address: loopback, private, link-local, carrier-grade NAT, multicast and "
            + "unspecified addresses are refused (WEBHOOK_URL_INTERNAL), so are numeric hosts other than a dotted quad "
            + "(WEBHOOK_URL_NUMERIC_HOST); a subscriber holds at most medforge.registry.webhooks.max-per-owner webhooks "
            + "(409 WEBHOOK_LIMIT). The answer carries the secret (whsec_<base64>) that signs deliveries the Standard "
            + "Webhooks way (webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>); "
            + "it is not shown again.")
    @APIResponse(responseCode = "201", description = "Registered; the secret is shown this once",
            content = @Content(schema = @Schema(implementation = CreatedWebhook.class)))
    @Blocking
    public Uni<Response> create(@Valid @NotNull(message = "a JSON body {\"url\": ...} is required") CreateWebhook request) {
        return webhooks.register(owner(), currentCaller.accessToken(), request.url())
                .map(webhook -> Response.created(URI.create("/api/v1/webhooks/" + webhook.id()))
                        .entity(new CreatedWebhook(webhook.id(), webhook.url(), webhook.secret(), webhook.createdAt()))
                        .build());
    }

    @GET
    @Operation(summary = "The caller's webhooks", description = "Role subscriber.")
    public Uni<List<WebhookView>> list() {
        return webhooks.list(owner()).map(all -> all.stream().map(WebhookView::of).toList());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Remove a webhook; pending retries stop", description = "Role subscriber, own webhooks only.")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Response> delete(@PathParam("id") String id) {
        return webhooks.delete(owner(), currentCaller.accessToken(), id).map(nothing -> Response.noContent().build());
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The webhook's delivery log, one entry per attempt", description = "Role subscriber, own webhooks only.")
    public Uni<List<Webhooks.Delivery>> deliveries(@PathParam("id") String id) {
        return webhooks.deliveries(owner(), id);
    }

    private String owner() {
        return currentCaller.get().subject();
    }
}
