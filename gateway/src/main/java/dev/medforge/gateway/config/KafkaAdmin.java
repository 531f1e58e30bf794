package dev.medforge.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Map;

/** One admin client for the operator endpoints, which read groups and offsets and create the replay marker topic. */
@ApplicationScoped
public class KafkaAdmin {

    @Produces
    @Singleton
    Admin admin(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "gateway-ops"));
    }

    void close(@Disposes Admin admin) {
        admin.close();
    }
}
