package dev.medforge.eval.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.eval.config.EvalConfig;
import dev.medforge.eval.service.CompositeEvaluator;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Evaluates each created composite; the offset commits after the decision is on the broker. An
 * evaluation that fails because the registry, the store or the broker is away is tried again
 * ({@link TransientFailures}); a composite that cannot be read or scored is dead-lettered and its
 * submissions rejected ({@link DeadLetters}).
 */
@ApplicationScoped
public class EvaluationConsumer {

    static final String SOURCE = "eval-service";
    private static final Logger LOG = Logger.getLogger(EvaluationConsumer.class);

    private final CompositeEvaluator evaluator;
    private final MutinyEmitter<Record<String, String>> evaluated;
    private final MutinyEmitter<Record<String, String>> status;
    private final MeterRegistry meters;
    private final EvalConfig config;

    EvaluationConsumer(CompositeEvaluator evaluator, MeterRegistry meters, EvalConfig config,
                       @Channel("composite-evaluated") MutinyEmitter<Record<String, String>> evaluated,
                       @Channel("submission-status") MutinyEmitter<Record<String, String>> status) {
        this.evaluator = evaluator;
        this.evaluated = evaluated;
        this.status = status;
        this.meters = meters;
        this.config = config;
    }

    @Incoming("composite-created")
    @Blocking
    public void onCreated(String json) {
        DeadLetters.rejectOnFailure(status, SOURCE, Topics.COMPOSITE_CREATED, json,
                () -> TransientFailures.retry(config.dependencyRetry(), "evaluation on " + Topics.COMPOSITE_CREATED, () -> evaluate(json)));
    }

    private void evaluate(String json) {
        EventEnvelope<CompositeCreated> event = EventCodec.decode(json, CompositeCreated.class);
        EventSender.recordQueueWait(meters, Topics.COMPOSITE_CREATED, event);
        // The line that says an evaluation has begun; the verdict's line below ends it.
        LOG.infof("composite %s on %s: evaluating %d adapter(s) on version %d", event.data().compositeId(), event.data().branch(),
                event.data().adapters().size(), event.data().parentVersion());
        CompositeEvaluator.Evaluation evaluation = evaluator.evaluate(event.data());
        CompositeEvaluated result = evaluation.event();
        long millis = result.work().evaluationMillis();
        if (!evaluation.scored()) {
            // No EVALUATED status: nothing was scored, and the registry's rebase is what comes next.
            LOG.infof("composite %s on %s: %s (%d ms)", result.compositeId(), result.branch(), result.decision().reasons(), millis);
            EventSender.send(evaluated, EventEnvelope.wrapCausedBy(SOURCE, result, event.id()));
            return;
        }
        String summary = result.metrics().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), e.getValue().accuracy() * 100))
                .collect(Collectors.joining(", "));
        LOG.infof("composite %s on %s: %s; gate %s %s; evaluated in %d ms, %d of them scoring %d images", result.compositeId(),
                result.branch(), summary, result.decision().passed() ? "passed" : "failed", result.decision().reasons(), millis,
                evaluation.forwardMillis(), evaluation.images());
        SubmissionStatus.ofEach(result.adapters(), result.branch(), Stage.EVALUATED,
                        summary + (result.decision().passed() ? "; gate passed" : "; gate failed"))
                .forEach(evaluatedStatus -> EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, evaluatedStatus, event.id())));
        // After the statuses: the registry answers composite.evaluated with PUBLISHED or GATED_OUT, and
        // a submission's history must not show its verdict before its evaluation.
        EventSender.send(evaluated, EventEnvelope.wrapCausedBy(SOURCE, result, event.id()));
    }

}
