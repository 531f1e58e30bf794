package dev.medforge.gateway.client;

import dev.medforge.gateway.config.GatewayConfig;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Builds the registry client from {@link GatewayConfig}, so its address is configured in one place. */
@ApplicationScoped
public class RegistryClientProducer {

    @Produces
    @ApplicationScoped
    RegistryClient registryClient(GatewayConfig config) {
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(config.registryUrl())
                .register(RegistryProblems.class)
                .build(RegistryClient.class);
    }
}
