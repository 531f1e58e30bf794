package dev.medforge.contracts.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Consumer groups for tests that start with their offsets committed at the end of their topics
 * ({@link ConsumersFromNow} for a service under test, the pipeline tests for the processes they start).
 */
public final class GroupsAtEnd {

    private GroupsAtEnd() {
    }

    /**
     * Commits {@code group}'s offsets at the end of each of {@code topics}: a service started under it
     * reads only what comes after, and one restarted under it goes on where it committed, which a
     * group reading from "latest" would not do for a partition it had not committed on yet.
     */
    public static void start(String group, Collection<String> topics) {
        try (Admin admin = Admin.create(Broker.asAdmin(Map.of()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            for (String topic : topics) {
                offsets.putAll(endOffsets(admin, topic));
            }
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not start test consumer groups at the end of their topics on "
                    + Broker.BOOTSTRAP + ": run ./medforge test, which starts the broker and creates the topics", e);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> endOffsets(Admin admin, String topic)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = admin.describeTopics(List.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS).get(topic).partitions().stream()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue().offset())));
    }
}
