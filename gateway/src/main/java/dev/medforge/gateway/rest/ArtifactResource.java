package dev.medforge.gateway.rest;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.artifacts.ArtifactStore;
import dev.medforge.gateway.Caller;
import dev.medforge.gateway.GatewayException;
import dev.medforge.gateway.config.GatewayConfig;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;

/**
 * Raw uploads into the shared artifact store, for what the JSON endpoints then name by digest: a
 * branch's base-model weights and a task's evaluation suite. There is deliberately no download
 * here: the store also holds other institutions' adapters, and a digest must not be a key to them.
 */
@Path("/api/v1/artifacts")
public class ArtifactResource {

    private static final String PART = "body";

    private final ArtifactStore store;
    private final GatewayConfig config;

    ArtifactResource(ArtifactStore store, GatewayConfig config) {
        this.store = store;
        this.config = config;
    }

    public record Stored(String digest, long size) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_OCTET_STREAM)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Caller.CONTRIBUTOR, Caller.OPERATOR})
    @Operation(summary = "Store an artifact (base-model weights, an evaluation suite) and get its digest",
            description = "Role contributor or operator. The body is streamed into the content-addressed store; at most "
                    + "medforge.gateway.max-part-bytes (413 beyond). Name it by the returned digest in POST /branches or "
                    + "POST /branches/{branch}/tasks.")
    @APIResponse(responseCode = "201", description = "Stored; `digest` is sha256:<hex> of the body",
            content = @Content(schema = @Schema(implementation = Stored.class)))
    public Response upload(@HeaderParam(HttpHeaders.CONTENT_LENGTH) Long declaredLength, InputStream body) throws IOException {
        long limit = config.maxPartBytes();
        // A declared length lets an oversized upload be refused before a byte reaches the disk.
        if (declaredLength != null && declaredLength > limit) {
            throw tooLarge(declaredLength + " bytes", limit);
        }
        CappedInputStream capped = new CappedInputStream(body, limit);
        ArtifactDigest digest = store.put(capped);
        return Response.created(URI.create("/api/v1/artifacts/" + digest))
                .entity(new Stored(digest.toString(), capped.count))
                .build();
    }

    private static GatewayException tooLarge(String size, long limit) {
        return GatewayException.tooLarge(PART, "the artifact has " + size + "; the limit is " + limit);
    }

    /**
     * Counts what passes and fails once past the limit, so a chunked upload without a length is
     * capped too; the store deletes its temporary file when the put fails.
     */
    private static final class CappedInputStream extends FilterInputStream {
        private final long limit;
        private long count;

        CappedInputStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                add(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                add(n);
            }
            return n;
        }

        private void add(long n) {
            count += n;
            if (count > limit) {
                throw tooLarge("more than " + limit + " bytes", limit);
            }
        }
    }
}
