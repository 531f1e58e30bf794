package dev.medforge.registry.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.testing.ConsumersFromNow;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/** Every test of this service consumes only the events sent after it started (see {@link ConsumersFromNow}). */
@QuarkusTestResource(value = ConsumersFromNow.class, initArgs = {
        @ResourceArg(name = "submission-status", value = Topics.SUBMISSION_STATUS),
        @ResourceArg(name = "composite-evaluated", value = Topics.COMPOSITE_EVALUATED)})
public final class ConsumerGroupsFromNow {

    private ConsumerGroupsFromNow() {
    }
}
