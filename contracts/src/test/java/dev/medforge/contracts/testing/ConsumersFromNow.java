package dev.medforge.contracts.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
        for (Map.Entry<String, String> channel : topicsByChannel.entrySet()) {
            String group = channel.getKey() + "-test-" + UUID.randomUUID();
            GroupsAtEnd.start(group, List.of(channel.getValue()));
            config.put("mp.messaging.incoming." + channel.getKey() + ".group.id", group);
        }
        return config;
    }

    @Override
    public void stop() {
        // The groups hold no members once the service stops; the broker expires their offsets.
    }
}
