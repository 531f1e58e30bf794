package dev.medforge.gateway.client;

import dev.medforge.contracts.Problem;
import dev.medforge.gateway.GatewayException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Passes the registry's refusals (400, 404, 409) on with their status, and as they are when they are
 * problem details, since those name the rule and field the caller broke. A registry fault is not
 * the caller's: it becomes a 502, and so does a 401 or 403, which refuses the gateway's own service
 * identity, never the user's token.
 */
public class RegistryProblems implements ResponseExceptionMapper<GatewayException> {

    @Override
    public GatewayException toThrowable(Response response) {
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            return new GatewayException(Problem.of(502, "the registry refused the gateway's service identity"));
        }
        if (status >= 400 && status < 500) {
            // A refusal is the caller's to fix even when it comes without details; a 502 would blame us.
            return new GatewayException(Problem.MEDIA_TYPE.equals(mediaType(response)) ? response.readEntity(Problem.class)
                    : Problem.of(status, "the registry refused the request"));
        }
        // The registry's own status stays as the cause: TransientFailures retries a 5xx in the gateway as in every service.
        return new GatewayException(Problem.of(502, "the registry answered " + status), new WebApplicationException(status));
    }

    private static String mediaType(Response response) {
        return response.getMediaType() == null ? "" : response.getMediaType().getType() + "/" + response.getMediaType().getSubtype();
    }
}
