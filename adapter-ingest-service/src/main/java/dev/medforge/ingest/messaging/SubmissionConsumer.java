package dev.medforge.ingest.messaging;

import dev.medforge.contracts.Topics;
import dev.medforge.contracts.events.AdapterRejected;
import dev.medforge.contracts.events.AdapterRejected.RejectionReason;
import dev.medforge.contracts.events.AdapterSubmitted;
import dev.medforge.contracts.events.EventCodec;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.events.SubmissionStatus;
import dev.medforge.contracts.events.SubmissionStatus.Stage;
import dev.medforge.contracts.events.AdapterValidated;
import dev.medforge.contracts.messaging.DeadLetters;
import dev.medforge.contracts.messaging.EventSender;
import dev.medforge.contracts.messaging.TransientFailures;
import dev.medforge.ingest.ValidationOutcome;
import dev.medforge.ingest.config.IngestConfig;
import dev.medforge.ingest.service.IntakeService;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Takes submissions off {@code medforge.adapter.submitted}. The offset is committed only after the
 * resulting events are acknowledged by the broker, so a crash means a redelivery, never a loss; the
 * derived event ids make the redelivery harmless. An intake that fails because the registry, the
 * store or the broker is away is tried again ({@link TransientFailures}). A message that is not a
 * submitted event, or whose handling still throws, goes to the dead-letter topic, and its submission
 * to a final REJECTED status ({@link DeadLetters}).
 */
@ApplicationScoped
public class SubmissionConsumer {

    static final String SOURCE = "adapter-ingest-service";
    private static final Logger LOG = Logger.getLogger(SubmissionConsumer.class);

    private final IntakeService intake;
    private final MutinyEmitter<Record<String, String>> validated;
    private final MutinyEmitter<Record<String, String>> rejected;
    private final MutinyEmitter<Record<String, String>> status;
    private final MeterRegistry meters;
    private final IngestConfig config;

    SubmissionConsumer(IntakeService intake, IngestConfig config,
                       @Channel("adapter-validated") MutinyEmitter<Record<String, String>> validated,
                       @Channel("adapter-rejected") MutinyEmitter<Record<String, String>> rejected,
                       @Channel("submission-status") MutinyEmitter<Record<String, String>> status,
                       MeterRegistry meters) {
        this.intake = intake;
        this.validated = validated;
        this.rejected = rejected;
        this.status = status;
        this.meters = meters;
        this.config = config;
    }

    @Incoming("adapter-submitted")
    @Blocking
    public void onSubmitted(String json) {
        DeadLetters.rejectOnFailure(status, SOURCE, Topics.ADAPTER_SUBMITTED, json,
                () -> TransientFailures.retry(config.dependencyRetry(), "intake on " + Topics.ADAPTER_SUBMITTED, () -> intake(json)));
    }

    private void intake(String json) {
        EventEnvelope<AdapterSubmitted> event = EventCodec.decode(json, AdapterSubmitted.class);
        EventSender.recordQueueWait(meters, Topics.ADAPTER_SUBMITTED, event);
        AdapterSubmitted submission = event.data();
        ValidationOutcome outcome = meters.timer("medforge.ingest.duration").record(() -> intake.intake(submission));
        if (outcome instanceof ValidationOutcome.Valid valid) {
            EventSender.send(validated, EventEnvelope.wrapCausedBy(SOURCE, new AdapterValidated(submission.submissionId(),
                    submission.institution(), submission.branch(), submission.task(), submission.artifacts(),
                    valid.report()), event.id()));
            EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, new SubmissionStatus(submission.submissionId(),
                    submission.institution(), submission.branch(), Stage.VALIDATED, String.format(Locale.ROOT,
                            "rank %d, max delta-W norm %.3g, %d distilled images", valid.report().rank(),
                            valid.report().maxDeltaNorm(), valid.report().distilledImages())), event.id()));
        } else {
            List<RejectionReason> problems = ((ValidationOutcome.Invalid) outcome).reasons();
            LOG.infof("submission %s rejected: %s", submission.submissionId(), problems);
            EventSender.send(rejected, EventEnvelope.wrapCausedBy(SOURCE, new AdapterRejected(submission.submissionId(),
                    submission.institution(), submission.branch(), problems), event.id()));
            EventSender.send(status, EventEnvelope.wrapCausedBy(SOURCE, new SubmissionStatus(submission.submissionId(),
                    submission.institution(), submission.branch(), Stage.REJECTED,
                    problems.stream().map(p -> p.code() + " " + p.field()).collect(Collectors.joining(", "))), event.id()));
        }
        meters.counter("medforge.ingest.submissions", "outcome",
                outcome instanceof ValidationOutcome.Valid ? "validated" : "rejected").increment();
    }

}
