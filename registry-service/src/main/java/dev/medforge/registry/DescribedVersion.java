package dev.medforge.registry;

import java.util.List;

/**
 * A published version with what its model card describes besides the version itself: the base
 * model it runs on (with the architecture JSON, whose conventions say how to run it) and the tasks
 * of its heads (class names in row order, evaluation suite), so that a subscriber can run and score
 * it from the card and the files alone.
 */
public record DescribedVersion(PublishedVersion published, BaseModel base, List<Task> tasks) {

    /** The tasks the version holds a contribution for, in name order. */
    public List<Task> servedTasks() {
        List<String> served = published.members().stream().map(m -> m.task()).distinct().toList();
        return tasks.stream().filter(t -> served.contains(t.name)).toList();
    }
}
