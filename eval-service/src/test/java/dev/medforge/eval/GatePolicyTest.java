package dev.medforge.eval;

import dev.medforge.contracts.events.CompositeEvaluated.GateDecision;
import dev.medforge.contracts.events.TaskMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatePolicyTest {

    private static final GatePolicy DEFAULT = new GatePolicy(2.0, 5.0);

    @Test
    void aCompositeWithinBothLimitsPasses() {
        GateDecision decision = DEFAULT.decide(
                Map.of("tops", m(0.885), "footwear", m(0.93)),
                Map.of("tops", m(0.90)),
                Map.of("footwear", m(0.97)));

        assertTrue(decision.passed(), decision.reasons().toString());
        assertEquals(List.of(), decision.reasons());
    }

    @Test
    void aPublishedTaskLosingMoreThanTheLimitFailsNamingTheTask() {
        GateDecision decision = DEFAULT.decide(Map.of("tops", m(0.875), "footwear", m(0.97)),
                Map.of("tops", m(0.90)), Map.of("footwear", m(0.97)));

        assertFalse(decision.passed());
        assertEquals(List.of("tops: accuracy fell 2.50 points against the parent (90.00% -> 87.50%), more than 2.00 allowed"),
                decision.reasons());
    }

    @Test
    void aNewTaskFarBelowItsAdapterAloneFails() {
        GateDecision decision = DEFAULT.decide(Map.of("footwear", m(0.90)), Map.of(), Map.of("footwear", m(0.96)));

        assertFalse(decision.passed());
        assertTrue(decision.reasons().get(0).startsWith("footwear: new task reaches 90.00%, 6.00 points below"), decision.reasons().get(0));
    }

    @Test
    void nonFiniteMetricsFail() {
        GateDecision decision = DEFAULT.decide(Map.of("tops", new TaskMetrics(0.9, Double.NaN, 10)), Map.of(), Map.of());

        assertFalse(decision.passed());
        assertTrue(decision.reasons().get(0).contains("not finite"));
    }

    private static TaskMetrics m(double accuracy) {
        return new TaskMetrics(accuracy, 0.95, 2000);
    }
}
