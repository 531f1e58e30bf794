package dev.medforge.gateway;

import java.util.List;

/** The merge workers' consumer group as Kafka sees it: who holds which partition and how far behind it is. */
public record MergeWorkers(String group, String state, List<Member> members, long totalLag) {

    public record Member(String memberId, String clientId, String host, List<PartitionLag> partitions) {
    }

    /** @param committedOffset -1 when the group has not committed on this partition yet */
    public record PartitionLag(String topic, int partition, long committedOffset, long endOffset, long lag) {
    }
}
