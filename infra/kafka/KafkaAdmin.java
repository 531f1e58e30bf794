import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Small admin helper for the local launcher (compiled by infra/lib/kafka.sh against the broker's
 * kafka-clients jar). One JVM does what would otherwise take one kafka-topics call per topic.
 *
 * <pre>
 *   KafkaAdmin ping          BOOTSTRAP            exit 0 when the broker answers (describeCluster)
 *   KafkaAdmin ensure-topics BOOTSTRAP topics.txt creates missing topics, grows partition counts
 * </pre>
 */
public final class KafkaAdmin {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: KafkaAdmin ping|ensure-topics BOOTSTRAP [topics.txt]");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[1]);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "medforge-launcher");
        try (Admin admin = Admin.create(props)) {
            switch (args[0]) {
                case "ping" -> {
                    String id = admin.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
                    int nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
                    System.out.println("cluster " + id + ", " + nodes + " broker(s)");
                }
                case "ensure-topics" -> ensureTopics(admin, Path.of(args[2]));
                default -> {
                    System.err.println("unknown command " + args[0]);
                    System.exit(2);
                }
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
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
}
