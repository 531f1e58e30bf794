package dev.medforge.contracts.testing;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The local broker as tests reach it. It takes only signed-in clients (infra/kafka/acls.txt): tests
 * that put events on a topic or read one, as the pipeline's services would, sign in as the broker's
 * super user; a test of the ACLs themselves signs in as a service's principal.
 */
public final class Broker {

    public static final String BOOTSTRAP = Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP_SERVERS")).orElse("127.0.0.1:9092");
    /** The super user's password, as ./medforge (infra/lib/kafka.sh) gives the broker. */
    static final String ADMIN_SECRET = Optional.ofNullable(System.getenv("MEDFORGE_KAFKA_ADMIN_SECRET")).orElse("kafka-admin-dev-secret");

    private Broker() {
    }

    /** {@code settings} for a client signed in as the super user "admin" (SASL/PLAIN). */
    public static Map<String, Object> asAdmin(Map<String, Object> settings) {
        return signedIn("PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule", "admin", ADMIN_SECRET, settings);
    }

    /**
     * {@code settings} for a client signed in as service principal {@code principal} (SASL/SCRAM-SHA-256)
     * with its password, MEDFORGE_KAFKA_SECRET_SVC_X for svc-x or the local default, as ./medforge sets it.
     */
    public static Map<String, Object> as(String principal, Map<String, Object> settings) {
        String secret = Optional.ofNullable(System.getenv("MEDFORGE_KAFKA_SECRET_" + principal.toUpperCase(Locale.ROOT).replace('-', '_')))
                .orElse(principal + "-kafka-dev-secret");
        return as(principal, secret, settings);
    }

    /** {@code settings} for a client signed in as {@code principal} with {@code secret} (SASL/SCRAM-SHA-256). */
    public static Map<String, Object> as(String principal, String secret, Map<String, Object> settings) {
        return signedIn("SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule", principal, secret, settings);
    }

    private static Map<String, Object> signedIn(String mechanism, String loginModule, String user, String secret, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, loginModule + " required username=\"" + user + "\" password=\"" + secret + "\";");
        return config;
    }
}
