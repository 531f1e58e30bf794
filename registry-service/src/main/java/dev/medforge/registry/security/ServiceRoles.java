package dev.medforge.registry.security;

/**
 * The realm roles of the services' identities (clients svc-gateway, svc-merge, svc-eval and svc-ingest
 * in the medforge realm). Each endpoint names the roles of the services that need it and no others:
 * only the gateway acts for users, so only it may change state or read what users asked for.
 */
public final class ServiceRoles {

    public static final String GATEWAY = "registry-gateway";
    public static final String MERGE = "registry-merge";
    public static final String EVAL = "registry-eval";
    public static final String INGEST = "registry-ingest";

    private ServiceRoles() {
    }
}
