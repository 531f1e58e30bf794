package dev.medforge.contracts;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * A refused token, said the same way by every API that checks one: 401 with the bearer challenge
 * (RFC 6750) when there is no valid token, 403 when the token's roles do not allow the call.
 */
public final class AccessProblems {

    private AccessProblems() {
    }

    public static Response unauthorized(String detail) {
        return Response.status(401).type(Problem.MEDIA_TYPE).entity(Problem.of(401, detail))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    public static Response forbidden(String detail) {
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(Problem.of(403, detail)).build();
    }
}
