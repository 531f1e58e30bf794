package dev.medforge.registry.messaging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.concurrent.Executor;

/**
 * Where a retried transaction resumes: on the Vert.x context the message arrived on. Hibernate
 * Reactive opens its session on the current context and refuses a plain worker thread, which is
 * where a delayed retry would otherwise wake up.
 */
final class OnContext {

    private OnContext() {
    }

    static Executor current() {
        Context context = Vertx.currentContext();
        if (context == null) {
            throw new IllegalStateException("a registry consumer runs on a Vert.x context");
        }
        return task -> context.runOnContext(ignored -> task.run());
    }
}
