package dev.medforge.contracts.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Gives each incoming channel of the service under test a consumer group of its own whose offsets
 * are already committed at the end of its topic, before the service starts.
 *
 * <p>Why: services read their topics from the earliest offset, which is right in production (a
 * new group must not skip work) but wrong in a test. On a broker that earlier modules' tests
 * already wrote to, a fresh group first replays every event they left, and a merge worker busy
 * with another module's backlog times a test out. Reading from "latest" instead would race: an
 * event the test sends before the group is assigned its partitions would be skipped. Committed
 * offsets have neither problem.
 *
 * <p>Init args: channel name → topic, e.g. {@code adapter-validated → medforge.adapter.validated}.
 */
public class ConsumersFromNow implements QuarkusTestResourceLifecycleManager {

    private Map<String, String> topicsByChannel = Map.of();

    @Override
    public void init(Map<String, String> initArgs) {
        topicsByChannel = Map.copyOf(initArgs);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TopicProbe.BOOTSTRAP))) {
            for (Map.Entry<String, String> channel : topicsByChannel.entrySet()) {
                String group = channel.getKey() + "-test-" + UUID.randomUUID();
                admin.alterConsumerGroupOffsets(group, endOffsets(admin, channel.getValue())).all().get(30, TimeUnit.SECONDS);
                config.put("mp.messaging.incoming." + channel.getKey() + ".group.id", group);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not start test consumer groups at the end of their topics on "
                    + TopicProbe.BOOTSTRAP + ": run ./medforge test, which starts the broker and creates the topics", e);
        }
        return config;
    }

    private static Map<TopicPartition, OffsetAndMetadata> endOffsets(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
    }

    @Override
    public void stop() {
        // The groups hold no members once the service stops; the broker expires their offsets.
    }
}
