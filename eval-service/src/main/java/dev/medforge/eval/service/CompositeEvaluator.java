package dev.medforge.eval.service;

import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.CompositeEvaluated;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.events.WorkTime;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.eval.GatePolicy;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.AdapterValidationException;
import dev.medforge.ml.lora.LoraModule;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.MemberKey;
import dev.medforge.ml.metrics.Scoring;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.model.TaskHead;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.store.ArtifactModels;
import dev.medforge.ml.store.MemberOutputCache;
import dev.medforge.ml.store.MemberOutputCache.Outputs;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Scores a composite on the evaluation suite of every task it serves, scores each new adapter alone
 * on its own task, and applies the branch's gate against the parent version.
 */
@ApplicationScoped
public class CompositeEvaluator {

    private static final Logger LOG = Logger.getLogger(CompositeEvaluator.class);

    private final RegistryAnswers answers;
    private final ArtifactModels models;
    private final MeterRegistry meters;
    private final MemberOutputCache memberOutputs;

    CompositeEvaluator(RegistryAnswers answers, ArtifactModels models, MeterRegistry meters) {
        this.answers = answers;
        this.models = models;
        this.meters = meters;
        this.memberOutputs = new MemberOutputCache(models.store());
    }

    /**
     * The composite's verdict, or, when its parent is no longer the head, a verdict that it was not
     * scored: heads only move forward, so the registry can only send it back for a rebase, whatever
     * its scores. Scoring it anyway is what made a burst slow: every composite built on the old head
     * was scored (seconds each) before going back (issue 12).
     */
    public Evaluation evaluate(CompositeCreated created) {
        long start = System.nanoTime();
        RegistryAnswers.Branch asked = answers.branch(created);
        BranchView branch = asked.view();
        if (branch.headVersion() != created.parentVersion()) {
            meters.counter("medforge.eval.skipped", "why", "stale").increment();
            return new Evaluation(verdict(created, Map.of(), Map.of(), Map.of(), new CompositeEvaluated.GateDecision(false,
                    List.of("not scored: built on version " + created.parentVersion() + ", and version " + branch.headVersion()
                            + " is the head")), start), false, 0, 0);
        }
        BaseModel base = models.base(branch.baseModelDigest(), branch.baseModelArchitecture());
        Composite composite = load(created.artifact());

        Map<String, TaskMetrics> metrics = new LinkedHashMap<>();
        Map<String, TaskMetrics> standalone = new LinkedHashMap<>();
        Scorer scoring = new Scorer();
        try (ModelSession session = ModelSession.open(base)) {
            for (String task : composite.heads().keySet()) {
                Suite suite = new Suite(branch, task, composite.head(task).classes(), base);
                metrics.put(task, composite instanceof Composite.Mixture mixture
                        ? scoring.score(mixture, session, task, suite)
                        : scoring.score((Composite.Merged) composite, session, task, suite));
            }
            for (AdapterRef adapter : created.adapters()) {
                Adapter alone = adapter(adapter, base);
                Suite suite = new Suite(branch, adapter.task(), alone.head().classes(), base);
                Outputs outputs = scoring.member(session, alone.modules(), alone.head(), suite);
                standalone.put(adapter.task(), Scoring.of(outputs.probabilities(), outputs.labels()));
            }
        }
        Map<String, TaskMetrics> parent = withoutWithdrawnTasks(asked.parentMetrics(), created, metrics);
        GatePolicy gate = new GatePolicy(branch.policy().maxRegression(), branch.policy().maxNewTaskGap());
        CompositeEvaluated.GateDecision decision = gate.decide(metrics, parent, standalone);
        meters.timer("medforge.eval.duration").record(Duration.ofNanos(System.nanoTime() - start));
        meters.timer("medforge.eval.forward").record(Duration.ofNanos(scoring.nanos));
        // With the duration, what a load test holds against the forward-pass floor (issue 12).
        meters.counter("medforge.eval.images").increment(scoring.images);
        meters.counter("medforge.eval.decisions", "passed", String.valueOf(decision.passed())).increment();
        CompositeEvaluated verdict = verdict(created, metrics, parent, standalone, decision, start);
        answers.evaluated(verdict);
        return new Evaluation(verdict, true, scoring.images, scoring.nanos / 1_000_000);
    }

    /**
     * The verdict repeats the composite and carries what it cost (issue 12 item 5): the merge's work
     * time from {@code created}, and this evaluation's since {@code start}, without either queue wait.
     */
    private static CompositeEvaluated verdict(CompositeCreated created, Map<String, TaskMetrics> metrics,
                                              Map<String, TaskMetrics> parent, Map<String, TaskMetrics> standalone,
                                              CompositeEvaluated.GateDecision decision, long start) {
        WorkTime work = new WorkTime(created.durationMillis(), (System.nanoTime() - start) / 1_000_000);
        return new CompositeEvaluated(created.compositeId(), created.branch(), created.parentVersion(), created.strategy(),
                created.artifact(), created.adapters(), created.coefficients(), created.taskCoefficients(), metrics, parent, standalone,
                decision, created.withdrawn(), work);
    }

    /**
     * @param scored        false when the composite was stale before it was scored, and {@code event} says so in its reasons
     * @param images        the suite images scored, by the composite and by each new adapter alone
     * @param forwardMillis the time spent scoring them; the rest of an evaluation is registry calls,
     *                      reading artifacts and the gate
     */
    public record Evaluation(CompositeEvaluated event, boolean scored, int images, long forwardMillis) {
    }

    /**
     * Scores and counts what scoring costs, so that the log can say where an evaluation's time went
     * (issue 12). Everything is scored through the member output cache, as one encoder (base + LoRA)
     * under one head: a mixture's members, a fused encoder, and each new adapter alone. A member seen
     * on a suite before costs no forward pass, so a mixture version costs the forward passes of its
     * new members only, however long the lineage; a branch's first version, a fusion of one adapter,
     * is that adapter, so its score alone is read back instead of run again; and a fused composite
     * evaluated again (a redelivery after a crash) runs nothing.
     */
    private final class Scorer {
        private long nanos;
        private int images;
        /** A mixture member is looked up under every task's head; its modules are hashed once, by identity, as they do not change while scoring. */
        private final Map<Map<String, LoraModule>, String> moduleDigests = new IdentityHashMap<>();

        TaskMetrics score(Composite.Merged fused, ModelSession session, String task, Suite suite) {
            Outputs outputs = member(session, fused.modules(), fused.head(task), suite);
            return Scoring.of(outputs.probabilities(), outputs.labels());
        }

        TaskMetrics score(Composite.Mixture mixture, ModelSession session, String task, Suite suite) {
            RowMembers members = new RowMembers(mixture, session, task, suite);
            return Scoring.of(mixture.scores(task, members), members.labels);
        }

        /**
         * The members a mixture's row runs, each through {@link #member}. The suite's labels are taken
         * from their outputs, which the cache keeps beside the probabilities: a version whose members
         * were all seen before then never reads the suite's images.
         */
        private final class RowMembers implements IntFunction<float[][]> {
            private final Composite.Mixture mixture;
            private final ModelSession session;
            private final String task;
            private final Suite suite;
            private int[] labels;

            RowMembers(Composite.Mixture mixture, ModelSession session, String task, Suite suite) {
                this.mixture = mixture;
                this.session = session;
                this.task = task;
                this.suite = suite;
            }

            @Override
            public float[][] apply(int m) {
                Outputs outputs = member(session, mixture.members().get(m).modules(), mixture.head(task), suite);
                labels = outputs.labels();
                return outputs.probabilities();
            }
        }

        /** One member alone (base + its LoRA) under {@code head} on the suite, from the cache or a forward pass. */
        Outputs member(ModelSession session, Map<String, LoraModule> modules, TaskHead head, Suite suite) {
            String key = MemberKey.of(suite.base.digest(), moduleDigests.computeIfAbsent(modules, MemberKey::modules), head, suite.digest());
            MemberOutputCache.Lookup lookup = memberOutputs.outputs(key, () -> {
                LabeledImages images = suite.images();
                long start = System.nanoTime();
                float[][] p = session.probabilities(images.pixels(), images.size(), modules, head);
                nanos += System.nanoTime() - start;
                this.images += images.size();
                return new Outputs(p, images.labels());
            });
            meters.counter("medforge.eval.member.outputs", "result", lookup.source().name().toLowerCase(Locale.ROOT)).increment();
            if (lookup.problem() != null) {
                LOG.warnf("member outputs on the suite of '%s' recomputed: %s", suite.task, lookup.problem());
            }
            return lookup.outputs();
        }
    }

    /** A task's evaluation suite, read from the store only when something must run on its images. */
    private final class Suite {
        private final String task;
        private final String digest;
        private final int classes;
        private final BaseModel base;
        private LabeledImages images;

        Suite(BranchView branch, String task, int classes, BaseModel base) {
            TaskView info = answers.task(branch, task);
            if (info == null) {
                throw new IllegalStateException("task '" + task + "' has no registered evaluation suite");
            }
            this.task = task;
            this.digest = info.evaluationSuite();
            this.classes = classes;
            this.base = base;
        }

        String digest() {
            return digest;
        }

        LabeledImages images() {
            if (images == null) {
                try {
                    images = models.labeledImages(digest, classes, base);
                } catch (IOException | SafetensorsFormatException e) {
                    throw new IllegalStateException("evaluation suite of '" + task + "' is unreadable: " + e.getMessage(), e);
                }
            }
            return images;
        }
    }

    /**
     * A withdrawn adapter's task is no longer served unless another member serves it too, so its suite
     * is no longer scored and the gate does not hold the parent's score for it against the composite.
     */
    static Map<String, TaskMetrics> withoutWithdrawnTasks(Map<String, TaskMetrics> parent, CompositeCreated created,
                                                          Map<String, TaskMetrics> scored) {
        Map<String, TaskMetrics> kept = new LinkedHashMap<>(parent);
        created.withdrawn().forEach(w -> {
            if (!scored.containsKey(w.task())) {
                kept.remove(w.task());
            }
        });
        return kept;
    }

    private Composite load(String artifact) {
        try {
            return models.composite(artifact).composite();
        } catch (IOException | SafetensorsFormatException e) {
            throw new IllegalStateException("composite " + artifact + " is unreadable: " + e.getMessage(), e);
        }
    }

    private Adapter adapter(AdapterRef ref, BaseModel base) {
        try {
            return models.adapter(ref.adapterConfig(), ref.adapterModel(), base, ref.task());
        } catch (AdapterValidationException e) {
            throw new IllegalStateException("validated adapter " + ref.submissionId() + " no longer loads: " + e.getMessage(), e);
        }
    }
}
