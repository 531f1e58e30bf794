package dev.medforge.gateway.rest;

import dev.medforge.contracts.Problem;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.Supersession;
import dev.medforge.contracts.registry.Views.Unavailability;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The files subscribers download: a version's model and the branch's base model. Both are served
 * from the content-addressed store under their digest, with the same conditional and range answers,
 * which the class-level responses below document once for both.
 */
@Path("/api/v1/branches")
@Produces({MediaType.APPLICATION_OCTET_STREAM, Problem.MEDIA_TYPE})
@RolesAllowed(Caller.SUBSCRIBER)
@APIResponse(responseCode = "200", description = "The whole file", content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
        schema = @Schema(type = SchemaType.STRING, format = "binary")))
@APIResponse(responseCode = "206", description = "The one range asked for", content = @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM,
        schema = @Schema(type = SchemaType.STRING, format = "binary")))
@APIResponse(responseCode = "304", description = "If-None-Match named the file's ETag: the copy the caller holds is current")
@APIResponse(responseCode = "416", description = "The range lies outside the file; Content-Range gives its size")
public class DownloadResource {

    private final RegistryClient registry;
    private final ArtifactStore store;

    DownloadResource(@RestClient RegistryClient registry, ArtifactStore store) {
        this.registry = registry;
        this.store = store;
    }

    @GET
    @Path("/{branch}/versions/{version}/artifact")
    @Operation(summary = "Download a version's model", description = "Role subscriber. `Repr-Digest` (RFC 9530, sha-256), "
            + "`Digest` (RFC 3230, kept for one release) and `ETag` (sha256:<hex>) name the content; the store checks the bytes "
            + "against their digest before serving. `If-None-Match` with the ETag answers 304; `Range: bytes=N-M` (one range, "
            + "`If-Range` honoured) answers 206 with that part, or 416 when it lies outside the file. A version a withdrawal "
            + "superseded still downloads, with `Deprecation` (RFC 9745, the moment the newer version was published) and "
            + "`Link: <…/versions/N>; rel=\"successor-version\"` (RFC 5829) naming the first version without the contribution. "
            + "One an operator made unavailable answers 410 naming who, when and why.")
    @APIResponse(responseCode = "410", description = "An operator made the version unavailable: who, when and why")
    public Response artifact(@PathParam("branch") String branch, @PathParam("version") int version,
                             @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch, @HeaderParam("Range") String range,
                             @HeaderParam("If-Range") String ifRange) throws IOException {
        ModelCard card = registry.version(branch, version).await().indefinitely();
        Unavailability unavailable = card.unavailable();
        if (unavailable != null) {
            throw GatewayException.gone("VERSION_UNAVAILABLE", "version", "version " + version + " of branch '" + branch
                    + "' may no longer be downloaded: " + unavailable.reason() + " (" + unavailable.by() + ", " + unavailable.at()
                    + "); its card stays readable");
        }
        Optional<Supersession> successor = card.supersededBy().stream().findFirst();
        return download(ArtifactDigest.parse(card.artifact()), branch + "-v" + version + ".safetensors",
                ifNoneMatch, range, ifRange, response -> successor.ifPresent(newer -> response
                        .header("Deprecation", "@" + newer.at().getEpochSecond())
                        .header("Link", "</api/v1/branches/" + branch + "/versions/" + newer.version() + ">; rel=\"successor-version\"")));
    }

    @GET
    @Path("/{branch}/base-model")
    @Operation(summary = "Download the branch's base model weights", description = "Role subscriber. The frozen base every version of "
            + "the branch runs on, as model.safetensors; its architecture.json (with the conventions that say how to run it) is "
            + "the branch's and every model card's `baseModel.architecture`. Headers as for a version's artifact. 404 "
            + "BASE_MODEL_NOT_STORED when the weights were never uploaded to this platform.")
    public Response baseModel(@PathParam("branch") String branch, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
                              @HeaderParam("Range") String range, @HeaderParam("If-Range") String ifRange) throws IOException {
        BranchView view = registry.branch(branch).await().indefinitely();
        ArtifactDigest digest = ArtifactDigest.parse(view.baseModelDigest());
        if (!store.contains(digest)) {
            throw GatewayException.missing("BASE_MODEL_NOT_STORED", "baseModel", "the weights of base model " + view.baseModel()
                    + " (" + digest + ") of branch '" + branch + "' were never uploaded; ask the operator who created the branch");
        }
        return download(digest, "model.safetensors", ifNoneMatch, range, ifRange, response -> { });
    }

    /**
     * Serves stored bytes under their digest: ETag and digest headers, 304 on a matching
     * If-None-Match, one byte range (If-Range honoured), 416 outside the file. {@code extra} adds
     * what only this kind of download says.
     */
    private Response download(ArtifactDigest digest, String fileName, String ifNoneMatch, String range, String ifRange,
                              Consumer<Response.ResponseBuilder> extra) throws IOException {
        EntityTag tag = new EntityTag(digest.toString());
        if (ifNoneMatch != null && matches(ifNoneMatch, tag)) {
            return Response.notModified(tag).build();
        }
        long size = store.size(digest);
        String sha256 = Base64.getEncoder().encodeToString(HexFormat.of().parseHex(digest.hex()));
        Response.ResponseBuilder response;
        try {
            Optional<ByteRange> part = ifRange == null || matches(ifRange, tag) ? ByteRange.parse(range, size) : Optional.empty();
            if (part.isPresent()) {
                response = Response.status(Response.Status.PARTIAL_CONTENT)
                        .entity((StreamingOutput) out -> part.get().copy(store.get(digest), out))
                        .header(HttpHeaders.CONTENT_LENGTH, part.get().length())
                        .header("Content-Range", part.get().contentRange(size));
            } else {
                response = Response.ok(store.get(digest)).header(HttpHeaders.CONTENT_LENGTH, size);
            }
        } catch (ByteRange.Unsatisfiable outside) {
            return Response.status(Response.Status.REQUESTED_RANGE_NOT_SATISFIABLE).header("Content-Range", "bytes */" + size)
                    .tag(tag).type(Problem.MEDIA_TYPE).entity(Problem.of(416, outside.getMessage() + " of " + size + " bytes")).build();
        }
        extra.accept(response);
        // Repr-Digest names the whole representation, so a 206 part carries it too and the client checks the assembled file.
        return response.type(MediaType.APPLICATION_OCTET_STREAM_TYPE)
                .header("Repr-Digest", "sha-256=:" + sha256 + ":")
                .header("Digest", "sha-256=" + sha256)
                .header("Accept-Ranges", "bytes")
                .tag(tag)
                .header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    /** Whether an If-None-Match or If-Range value names this tag ({@code *}, or one of a list; W/ compares weakly). */
    private static boolean matches(String header, EntityTag tag) {
        String wanted = "\"" + tag.getValue() + "\"";
        for (String candidate : header.split(",")) {
            String t = candidate.strip();
            if (t.equals("*") || t.equals(wanted) || t.equals("W/" + wanted)) {
                return true;
            }
        }
        return false;
    }
}
