package dev.medforge.eval.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.testing.ConsumersFromNow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every test of this service consumes only the events sent after it started (see {@link ConsumersFromNow}). */
@QuarkusTestResource(value = ConsumersFromNow.class, initArgs = {
        @ResourceArg(name = "composite-created", value = Topics.COMPOSITE_CREATED)})
public final class ConsumerGroupsFromNow {

    private ConsumerGroupsFromNow() {
    }
}
