package dev.medforge.contracts.testing;

/**
 * The services' identities in the local medforge realm (infra/keycloak/medforge-realm.json), for
 * tests that call the registry as one of them would. Fixtures that set up branches and tasks act as
 * the gateway, the only service allowed to change them.
 */
public enum ServiceIdentity {

    GATEWAY("svc-gateway"),
    MERGE("svc-merge"),
    EVAL("svc-eval"),
    INGEST("svc-ingest");

    private final RealmToken credentials;

    ServiceIdentity(String clientId) {
        this.credentials = RealmToken.clientCredentials(clientId);
    }

    /** A client-credentials access token of this identity. */
    public String token() {
        return credentials.token();
    }

    /** The Authorization header value for {@link #token()}. */
    public String bearer() {
        return "Bearer " + token();
    }
}
