package dev.medforge.gateway.config;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's own Kafka clients beside its channels: the broker's address and the gateway's
 * sign-in, as Quarkus gathers them from the {@code kafka.*} configuration for the channels, and one
 * admin client for the operator endpoints, which read groups and offsets and create the replay
 * marker topic.
 */
@ApplicationScoped
public class KafkaClients {

    private final Map<String, Object> broker;

    KafkaClients(@Identifier("default-kafka-broker") Map<String, Object> broker) {
        this.broker = Map.copyOf(broker);
    }

    /** A client's configuration: the broker's address and the gateway's sign-in, plus {@code settings}. */
    public Map<String, Object> config(Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(broker);
        config.putAll(settings);
        return config;
    }

    @Produces
    @Singleton
    Admin admin() {
        return Admin.create(config(Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "gateway-ops")));
    }

    void close(@Disposes Admin admin) {
        admin.close();
    }
}
