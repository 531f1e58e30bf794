package dev.medforge.ingest.health;

import dev.medforge.contracts.testing.ServiceHealthContract;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class AdapterIngestServiceHealthTest extends ServiceHealthContract {
}
