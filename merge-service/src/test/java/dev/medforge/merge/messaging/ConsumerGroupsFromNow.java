package dev.medforge.merge.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.testing.ConsumersFromNow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every test of this service consumes only the events sent after it started (see {@link ConsumersFromNow}). */
@QuarkusTestResource(value = ConsumersFromNow.class, initArgs = {
        @ResourceArg(name = "adapter-validated", value = Topics.ADAPTER_VALIDATED),
        @ResourceArg(name = "composite-rebase", value = Topics.COMPOSITE_REBASE)})
public final class ConsumerGroupsFromNow {

    private ConsumerGroupsFromNow() {
    }
}
