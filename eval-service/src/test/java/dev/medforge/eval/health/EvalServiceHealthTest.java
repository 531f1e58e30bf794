package dev.medforge.eval.health;

import dev.medforge.contracts.testing.ServiceHealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class EvalServiceHealthTest extends ServiceHealthContract {
}
