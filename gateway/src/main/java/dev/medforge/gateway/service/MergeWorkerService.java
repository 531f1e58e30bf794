package dev.medforge.gateway.service;

import dev.medforge.gateway.MergeWorkers;
import dev.medforge.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads the merge workers' group from the broker; lag is end offset minus committed offset per partition. */
@ApplicationScoped
public class MergeWorkerService {

    private static final long TIMEOUT_SECONDS = 15;

    private final Admin admin;
    private final String group;

    MergeWorkerService(GatewayConfig config, Admin admin) {
        this.group = config.mergeWorkersGroup();
        this.admin = admin;
    }

    public MergeWorkers describe() throws InterruptedException, ExecutionException, TimeoutException {
        return describe(group);
    }

    /** Any pipeline consumer group the same way: the console also shows the eval service's. */
    public MergeWorkers describe(String group) throws InterruptedException, ExecutionException, TimeoutException {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<TopicPartition> assigned = description.members().stream()
                .flatMap(m -> m.assignment().topicPartitions().stream()).toList();
        Map<TopicPartition, Long> ends = admin.listOffsets(assigned.stream()
                        .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest())))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));

        List<MergeWorkers.Member> members = description.members().stream()
                .map(m -> new MergeWorkers.Member(m.consumerId(), m.clientId(), m.host(),
                        m.assignment().topicPartitions().stream()
                                .sorted(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition))
                                .map(tp -> lag(tp, committed.get(tp), ends.getOrDefault(tp, 0L)))
                                .toList()))
                .sorted(Comparator.comparing(MergeWorkers.Member::memberId))
                .toList();
        long total = members.stream().flatMap(m -> m.partitions().stream()).mapToLong(MergeWorkers.PartitionLag::lag).sum();
        return new MergeWorkers(group, description.groupState().toString(), members, total);
    }

    /** Without a commit the whole partition is still to do. */
    private static MergeWorkers.PartitionLag lag(TopicPartition tp, OffsetAndMetadata committed, long end) {
        long offset = committed == null ? -1 : committed.offset();
        return new MergeWorkers.PartitionLag(tp.topic(), tp.partition(), offset, end, Math.max(0, end - Math.max(offset, 0)));
    }
}
