import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Small admin helper for the local launcher (compiled by infra/lib/kafka.sh against the broker's
 * kafka-clients jar). One JVM does what would otherwise take one kafka-topics call per topic.
 *
 * <pre>
 *   KafkaAdmin ping              BOOTSTRAP            exit 0 when the broker answers (describeCluster)
 *   KafkaAdmin ensure-topics     BOOTSTRAP topics.txt creates missing topics, grows partition counts
 *   KafkaAdmin ensure-principals BOOTSTRAP acls.txt   sets each service principal's SCRAM password and
 *                                                     makes its ACLs exactly those of acls.txt
 * </pre>
 *
 * It signs in as the broker's super user "admin" over SASL/PLAIN, with the password in the
 * environment variable MEDFORGE_KAFKA_ADMIN_SECRET (infra/lib/kafka.sh sets it).
 */
public final class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaAdmin ping|ensure-topics|ensure-principals BOOTSTRAP [topics.txt|acls.txt]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "medforge-launcher");
        String secret = System.getenv("MEDFORGE_KAFKA_ADMIN_SECRET");
        if (secret == null || secret.isEmpty()) {
            System.err.println("MEDFORGE_KAFKA_ADMIN_SECRET is not set: the broker's admin password");
            System.exit(2);
        }
        props.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\""
                + " password=\"" + secret + "\";");
        try (Admin admin = Admin.create(props)) {
            switch (args[0]) {
                case "ping" -> {
                    String id = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                    int nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                    System.out.println("cluster " + id + ", " + nodes + " broker(s)");
                }
                case "ensure-topics" -> ensureTopics(admin, Path.of(args[2]));
                case "ensure-principals" -> ensurePrincipals(admin, Path.of(args[2]));
                default -> {
                    System.err.println("unknown command " + args[0]);
                    System.exit(2);
                }
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException | IllegalArgumentException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("kafka admin failed: " + cause);
            System.exit(1);
        }
    }

    private static void ensureTopics(Admin admin, Path file) throws Exception {
        Map<String, Integer> wanted = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            wanted.put(parts[0], parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
        }
        Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
        List<NewTopic> toCreate = new ArrayList<>();
        for (var e : wanted.entrySet()) {
            if (!existing.contains(e.getKey())) {
                toCreate.add(new NewTopic(e.getKey(), e.getValue(), (short) 1));
            }
        }
        int created = 0;
        if (!toCreate.isEmpty()) {
            var result = admin.createTopics(toCreate);
            for (var e : result.values().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                    created++;
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw ex;
                    }
                }
            }
        }
        Map<String, TopicDescription> described =
                admin.describeTopics(wanted.keySet()).allTopicNames().get(30, TimeUnit.SECONDS);
        Map<String, NewPartitions> grow = new HashMap<>();
        for (var e : wanted.entrySet()) {
            int have = described.get(e.getKey()).partitions().size();
            if (have < e.getValue()) {
                grow.put(e.getKey(), NewPartitions.increaseTo(e.getValue()));
            } else if (have > e.getValue()) {
                System.err.println("warning: " + e.getKey() + " has " + have + " partitions, topics.txt says "
                        + e.getValue() + " (Kafka cannot shrink a topic; left as is)");
            }
        }
        if (!grow.isEmpty()) {
            admin.createPartitions(grow).all().get(30, TimeUnit.SECONDS);
        }
        System.out.println("topics: " + wanted.size() + " wanted, " + created + " created, "
                + grow.size() + " grown, " + (wanted.size() - created - grow.size()) + " already as listed");
    }

    /** The SCRAM password of service principal {@code svc-x}: MEDFORGE_KAFKA_SECRET_SVC_X, or its local default. */
    static String password(String principal) {
        String fromEnv = System.getenv("MEDFORGE_KAFKA_SECRET_" + principal.toUpperCase(Locale.ROOT).replace('-', '_'));
        return fromEnv == null || fromEnv.isEmpty() ? principal + "-kafka-dev-secret" : fromEnv;
    }

    private static void ensurePrincipals(Admin admin, Path file) throws Exception {
        Set<AclBinding> wanted = new LinkedHashSet<>();
        Set<String> principals = new TreeSet<>();
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            String[] resource = parts.length == 3 ? parts[2].split(":", 2) : new String[0];
            if (resource.length != 2) {
                throw new IllegalArgumentException(file + ":" + number + ": expected '<principal> <operation> <resource>:<name>', got '" + line + "'");
            }
            ResourceType type = ResourceType.fromString(resource[0]);
            AclOperation operation = AclOperation.fromString(parts[1]);
            if (type == ResourceType.UNKNOWN || operation == AclOperation.UNKNOWN) {
                throw new IllegalArgumentException(file + ":" + number + ": unknown resource type or operation in '" + line + "'");
            }
            boolean prefix = resource[1].endsWith("*") && resource[1].length() > 1;
            String name = prefix ? resource[1].substring(0, resource[1].length() - 1) : resource[1];
            principals.add(parts[0]);
            wanted.add(new AclBinding(
                    new ResourcePattern(type, name, prefix ? PatternType.PREFIXED : PatternType.LITERAL),
                    new AccessControlEntry("User:" + parts[0], "*", operation, AclPermissionType.ALLOW)));
        }
        List<UserScramCredentialAlteration> passwords = new ArrayList<>();
        for (String principal : principals) {
            passwords.add(new UserScramCredentialUpsertion(principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192),
                    password(principal)));
        }
        admin.alterUserScramCredentials(passwords).all().get(30, TimeUnit.SECONDS);

        List<AclBindingFilter> stale = new ArrayList<>();
        for (AclBinding existing : admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS)) {
            String principal = existing.entry().principal().replaceFirst("^User:", "");
            if (principals.contains(principal) && !wanted.contains(existing)) {
                stale.add(existing.toFilter());
            }
        }
        if (!stale.isEmpty()) {
            admin.deleteAcls(stale).all().get(30, TimeUnit.SECONDS);
        }
        admin.createAcls(wanted).all().get(30, TimeUnit.SECONDS);
        System.out.println("principals: " + principals.size() + " with SCRAM-SHA-256 passwords, " + wanted.size() + " ACLs, "
                + stale.size() + " stale removed");
    }
}
