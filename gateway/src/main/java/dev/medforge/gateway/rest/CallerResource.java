package dev.medforge.gateway.rest;

import dev.medforge.gateway.Caller;
import dev.medforge.gateway.security.CurrentCaller;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

import java.util.SortedSet;
import java.util.TreeSet;

/** Lets a client check which institution and roles its credentials carry before it submits. */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@SecurityRequirement(name = "keycloak")
public class CallerResource {

    @Inject
    CurrentCaller currentCaller;

    public record CallerView(String subject, String username, String institution, SortedSet<String> roles) {
    }

    @GET
    @Operation(summary = "The caller's identity as the gateway sees it", description = "Any authenticated caller.")
    public CallerView me() {
        Caller caller = currentCaller.get();
        return new CallerView(caller.subject(), caller.username(), caller.institution().orElse(null),
                new TreeSet<>(caller.roles()));
    }
}
