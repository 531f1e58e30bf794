package dev.medforge.merge.health;

import dev.medforge.contracts.testing.ServiceHealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class MergeServiceHealthTest extends ServiceHealthContract {
}
