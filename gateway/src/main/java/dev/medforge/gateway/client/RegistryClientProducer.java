package dev.medforge.gateway.client;

import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.oidc.client.reactive.filter.OidcClientRequestReactiveFilter;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Builds the registry client from {@link GatewayConfig}, so its address is configured in one place.
 * Its calls carry the gateway's own client-credentials token; the filter is registered on this
 * client only, so the token never leaves with a request to anyone else.
 */
@ApplicationScoped
public class RegistryClientProducer {

    @Produces
    @ApplicationScoped
    RegistryClient registryClient(GatewayConfig config, OidcClientRequestReactiveFilter serviceToken) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.registryUrl())
                .register(serviceToken)
                .register(RegistryProblems.class)
                .build(RegistryClient.class);
    }
}
