package dev.medforge.eval.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.TaskMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 14: what the gate holds a withdrawal's composite to. */
class CompositeEvaluatorTest {

    private static final TaskMetrics SCORE = new TaskMetrics(0.9, 0.95, 100);
    private static final AdapterRef FOOTWEAR = new AdapterRef("b", "hospital-b", "footwear", "d", "d", "d");

    @Test
    void aWithdrawnTaskThatNoMemberServesIsNoLongerHeldAgainstTheParent() {
        Map<String, TaskMetrics> parent = Map.of("tops", SCORE, "footwear", SCORE);

        assertEquals(Map.of("tops", SCORE), CompositeEvaluator.withoutWithdrawnTasks(parent, withdrawing(FOOTWEAR), Map.of("tops", SCORE)));
    }

    @Test
    void aWithdrawnTaskThatAnotherMemberStillServesIsStillHeldAgainstTheParent() {
        Map<String, TaskMetrics> parent = Map.of("tops", SCORE, "footwear", SCORE);
        Map<String, TaskMetrics> scored = Map.of("tops", SCORE, "footwear", SCORE);

        assertEquals(parent, CompositeEvaluator.withoutWithdrawnTasks(parent, withdrawing(FOOTWEAR), scored));
        assertEquals(parent, CompositeEvaluator.withoutWithdrawnTasks(parent, withdrawing(), Map.of("tops", SCORE)));
    }

    private static CompositeCreated withdrawing(AdapterRef... withdrawn) {
        return new CompositeCreated("c", "main", 3, "p", List.of(), "fusion", Map.of(), Map.of(), List.of(), "a", 0, List.of(withdrawn));
    }
}
