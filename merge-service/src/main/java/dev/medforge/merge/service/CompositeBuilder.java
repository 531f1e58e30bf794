package dev.medforge.merge.service;

import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeCreated;
import dev.medforge.contracts.events.Duplicates;
import dev.medforge.contracts.registry.BranchStrategy;
import dev.medforge.contracts.registry.RegistryClient;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.merge.Lineage;
import dev.medforge.merge.config.MergeConfig;
import dev.medforge.ml.data.LabeledImages;
import dev.medforge.ml.lora.Adapter;
import dev.medforge.ml.lora.AdapterValidationException;
import dev.medforge.ml.merge.Composite;
import dev.medforge.ml.merge.CompositeIO;
import dev.medforge.ml.merge.DistilledSetLoss;
import dev.medforge.ml.merge.FusionProgress;
import dev.medforge.ml.merge.MemberOutputMemo;
import dev.medforge.ml.merge.MergeOptions;
import dev.medforge.ml.merge.MergeRequest;
import dev.medforge.ml.merge.MergeStrategies;
import dev.medforge.ml.model.BaseModel;
import dev.medforge.ml.model.ModelSession;
import dev.medforge.ml.safetensors.SafetensorsFormatException;
import dev.medforge.ml.store.ArtifactModels;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Builds the next composite of a branch: the head's members plus the new adapters, merged with the
 * branch's strategy and searched on the distilled sets of every task so far. The composite id is a
 * hash of what went in, so building twice from the same inputs yields the same id.
 */
@ApplicationScoped
public class CompositeBuilder {

    private static final Logger LOG = Logger.getLogger(CompositeBuilder.class);

    private final RegistryClient registry;
    private final ArtifactModels models;
    private final MergeConfig config;
    private final MeterRegistry meters;
    private final HeadLineages lineages;
    private final Map<String, MemberOutputMemo> memos = new ConcurrentHashMap<>();

    CompositeBuilder(@RestClient RegistryClient registry, ArtifactModels models, MergeConfig config, MeterRegistry meters,
                     HeadLineages lineages) {
        this.registry = registry;
        this.lineages = lineages;
        this.models = models;
        this.config = config;
        this.meters = meters;
    }

    /**
     * Empty when every adapter is in the head already and nothing is to be withdrawn from it (a
     * redelivered event after publication), or when none of them may go in.
     *
     * @param strategy  the strategy to merge with, or null for the branch's own
     * @param withdrawn head members to leave out: the others stay in their original order, so the
     *                  composite is the one the branch would have had without them
     * @param refused  told of each adapter left out for good, with the detail of its final status: its
     *                 bytes are in the head already under another submission, or another institution
     *                 holds its task in the head
     */
    public Optional<CompositeCreated> build(String branchId, List<AdapterRef> arriving, String strategy, List<AdapterRef> withdrawn,
                                            BiConsumer<AdapterRef, String> refused) {
        long start = System.nanoTime();
        BranchView branch = registry.branch(branchId).await().indefinitely();
        HeadLineages.Head headComposite = branch.headVersion() == 0 ? HeadLineages.Head.EMPTY
                : lineages.of(branch.headCompositeId(), () -> registry.version(branchId, branch.headVersion()).await().indefinitely().artifact());
        Lineage head = headComposite.lineage();
        Set<String> leaving = withdrawn.stream().map(AdapterRef::submissionId).collect(Collectors.toSet());
        List<AdapterRef> removed = head.members().stream().filter(m -> leaving.contains(m.submissionId())).toList();
        Lineage parent = new Lineage(head.members().stream().filter(m -> !leaving.contains(m.submissionId())).toList());
        Set<String> merged = head.members().stream().map(AdapterRef::submissionId).collect(Collectors.toSet());
        List<AdapterRef> fresh = arriving.stream().filter(a -> !merged.contains(a.submissionId())).distinct().toList();
        if (fresh.isEmpty() && removed.isEmpty()) {
            LOG.infof("branch %s: %s already in version %d, nothing of it to withdraw", branchId, arriving, branch.headVersion());
            return Optional.empty();
        }
        fresh = newBytes(parent, fresh, "version " + branch.headVersion(), refused);
        fresh = inOwnTasks(parent, fresh, notOwned -> refused.accept(notOwned, "TASK_NOT_OWNED task"));
        if (fresh.isEmpty() && removed.isEmpty()) {
            return Optional.empty();
        }
        List<AdapterRef> members = new ArrayList<>(parent.members());
        members.addAll(fresh);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("branch " + branchId + ": withdrawing " + leaving + " would leave version "
                    + branch.headVersion() + " with no adapter");
        }
        if (strategy == null) {
            strategy = strategyOf(branch, headComposite);
        }
        MergeOptions defaults = MergeOptions.defaults();
        MergeOptions options = new MergeOptions(defaults.weights(), defaults.density(), defaults.dropRate(), config.seed(), defaults.rank(),
                config.budget(), config.lowerBound(), config.upperBound(), config.l1(), defaults.perLayer(), config.images());

        BaseModel base = models.base(branch.baseModelDigest(), branch.baseModelArchitecture());
        List<Adapter> adapters = new ArrayList<>();
        Map<String, LabeledImages> distilled = new LinkedHashMap<>();
        for (AdapterRef member : members) {
            Adapter adapter = load(member, base);
            adapters.add(adapter);
            distilled.put(member.task(), distilledSet(member, adapter, base));
        }
        Map<String, List<String>> classNames = classNames(branchId);
        long loaded = System.nanoTime();
        Composite composite;
        try (ModelSession session = ModelSession.open(base)) {
            MergeRequest request = new MergeRequest(adapters, options, new DistilledSetLoss(session, distilled, memo(base)), classNames);
            // After a withdrawal the parent's steps and rows took in a member that is gone: everything runs again.
            composite = MergeStrategies.get(strategy).merge(removed.isEmpty()
                    ? request.resumingFrom(progress(head)).keepingRowsOf(headComposite.mixtureRows()) : request);
        }
        long strategyDone = System.nanoTime();
        String artifact;
        try {
            artifact = models.store().put(CompositeIO.write(composite, base, new Lineage(members, storeProgress(composite)).toJson(),
                    classNames)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the composite of branch " + branchId, e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        meters.timer("medforge.merge.duration", "strategy", strategy).record(took);
        meters.counter("medforge.merge.evaluations", "strategy", strategy).increment(options.budget() * Math.max(1, members.size() - 1));
        String id = compositeId(branchId, branch.headCompositeId(), fresh, removed, strategy, options);
        // The phases say which part grows with the lineage (issue 12): reading the head, members and sets; the strategy; storing.
        LOG.infof("branch %s: composite %s of %d adapters (%s)%s in %d ms: %d reading, %d merging, %d storing", branchId, id,
                members.size(), strategy, removed.isEmpty() ? "" : ", withdrawing " + leaving, took.toMillis(),
                (loaded - start) / 1_000_000, (strategyDone - loaded) / 1_000_000, (System.nanoTime() - strategyDone) / 1_000_000);
        return Optional.of(new CompositeCreated(id, branchId, branch.headVersion(), branch.headCompositeId(), fresh, strategy,
                weightsBySubmission(members, composite), rowsBySubmission(members, composite), trace(composite), artifact,
                took.toMillis(), removed));
    }

    /** The members' outputs remembered between merges on {@code base}, with their use counted. */
    private MemberOutputMemo memo(BaseModel base) {
        return memos.computeIfAbsent(base.digest(), digest -> {
            MemberOutputMemo memo = new MemberOutputMemo(digest);
            String tag = digest.substring(0, 12);
            FunctionCounter.builder("medforge.merge.member.outputs", memo, MemberOutputMemo::remembered)
                    .tag("result", "remembered").tag("base", tag).register(meters);
            FunctionCounter.builder("medforge.merge.member.outputs", memo, MemberOutputMemo::computed)
                    .tag("result", "computed").tag("base", tag).register(meters);
            return memo;
        });
    }

    /**
     * Where the head's fusion stood, or null to run every step: none was kept, or it cannot be read.
     * The store checks every file against its digest, so a damaged one is recomputed, never trusted.
     */
    private FusionProgress progress(Lineage head) {
        if (head.fusionProgress() == null) {
            return null;
        }
        try {
            FusionProgress progress = models.fusionProgress(head.fusionProgress());
            if (progress.members() != head.members().size()) {
                throw new IllegalStateException("it covers " + progress.members() + " members, the head has " + head.members().size());
            }
            meters.counter("medforge.merge.fusion.progress", "result", "read").increment();
            return progress;
        } catch (IOException | SafetensorsFormatException | RuntimeException e) {
            LOG.warnf("fusion progress %s of the head cannot be used (%s): every step runs again", head.fusionProgress(), e.getMessage());
            meters.counter("medforge.merge.fusion.progress", "result", "unusable").increment();
            return null;
        }
    }

    private String storeProgress(Composite composite) throws IOException {
        Optional<FusionProgress> progress = composite instanceof Composite.Merged merged ? merged.fusionProgress() : Optional.empty();
        return progress.isEmpty() ? null : models.keepFusionProgress(progress.get());
    }

    /** Each registered task's class names: a mixture lets members help only tasks they share a class with. */
    private Map<String, List<String>> classNames(String branchId) {
        return registry.tasks(branchId).await().indefinitely().stream().collect(Collectors.toMap(TaskView::name, TaskView::classNames));
    }

    /**
     * A contribution is merged once, whatever submission id or manifest it comes under: an adapter
     * whose bytes are in the parent's lineage already, or earlier in this batch, is left out.
     */
    static List<AdapterRef> newBytes(Lineage parent, List<AdapterRef> fresh, String parentName, BiConsumer<AdapterRef, String> refused) {
        Map<String, AdapterRef> inParent = new HashMap<>();
        parent.members().forEach(member -> inParent.putIfAbsent(member.adapterModel(), member));
        Map<String, AdapterRef> inBatch = new HashMap<>();
        List<AdapterRef> unique = new ArrayList<>();
        for (AdapterRef adapter : fresh) {
            AdapterRef earlier = inParent.get(adapter.adapterModel());
            if (earlier != null) {
                refused.accept(adapter, Duplicates.detail(earlier, adapter, parentName));
                continue;
            }
            earlier = inBatch.putIfAbsent(adapter.adapterModel(), adapter);
            if (earlier != null) {
                refused.accept(adapter, Duplicates.detail(earlier, adapter, "the composite being merged"));
            } else {
                unique.add(adapter);
            }
        }
        return unique;
    }

    /**
     * Heads are keyed by task name, so an adapter whose task another institution's adapter holds in
     * the parent would replace that institution's head. Ingest refuses such a submission already;
     * this holds should one get past it.
     */
    static List<AdapterRef> inOwnTasks(Lineage parent, List<AdapterRef> fresh, Consumer<AdapterRef> notOwned) {
        Map<String, String> holders = new HashMap<>();
        parent.members().forEach(member -> holders.putIfAbsent(member.task(), member.institution()));
        List<AdapterRef> own = new ArrayList<>();
        for (AdapterRef adapter : fresh) {
            String holder = holders.get(adapter.task());
            if (holder == null || holder.equals(adapter.institution())) {
                own.add(adapter);
            } else {
                LOG.warnf("leaving out submission %s of %s: task '%s' is held by another institution",
                        adapter.submissionId(), adapter.institution(), adapter.task());
                notOwned.accept(adapter);
            }
        }
        return own;
    }

    private static List<CompositeCreated.SearchStep> trace(Composite composite) {
        return composite.searchTrace().stream()
                .map(step -> new CompositeCreated.SearchStep(step.evaluation(), step.objective(),
                        java.util.Arrays.stream(step.coefficients()).boxed().toList()))
                .toList();
    }

    /** After a failed gate the registry may ask for another merge in a rebase ({@link BranchStrategy#afterFailedGate}). */
    static String strategyOf(BranchView branch, HeadLineages.Head head) {
        return BranchStrategy.of(branch.policy().strategy()).orElse(BranchStrategy.FUSION).nextMerge(head.isMixture());
    }

    private Adapter load(AdapterRef member, BaseModel base) {
        try {
            return models.adapter(member.adapterConfig(), member.adapterModel(), base, member.task());
        } catch (AdapterValidationException e) {
            // Ingest validated it against the same base; failing now means the store or the base changed.
            throw new IllegalStateException("validated adapter " + member.submissionId() + " no longer loads: " + e.getMessage(), e);
        }
    }

    private LabeledImages distilledSet(AdapterRef member, Adapter adapter, BaseModel base) {
        try {
            return models.labeledImages(member.distilled(), adapter.head().classes(), base);
        } catch (IOException | SafetensorsFormatException e) {
            throw new IllegalStateException("distilled set of " + member.submissionId() + " no longer loads: " + e.getMessage(), e);
        }
    }

    /** Each member's weight in the result, by submission id (the ml-core strategy knows its own coefficient layout). */
    static Map<String, Double> weightsBySubmission(List<AdapterRef> members, Composite composite) {
        double[] weights = composite.memberWeights(members.size());
        Map<String, Double> bySubmission = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            bySubmission.put(members.get(i).submissionId(), weights[i]);
        }
        return bySubmission;
    }

    /** A mixture's rows as task to submission id to weight; empty for a fused composite. */
    static Map<String, Map<String, Double>> rowsBySubmission(List<AdapterRef> members, Composite composite) {
        if (!(composite instanceof Composite.Mixture mixture)) {
            return Map.of();
        }
        Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
        mixture.weights().forEach((task, row) -> {
            Map<String, Double> bySubmission = new LinkedHashMap<>();
            for (int i = 0; i < members.size(); i++) {
                bySubmission.put(members.get(i).submissionId(), row[i]);
            }
            rows.put(task, bySubmission);
        });
        return rows;
    }

    /**
     * The branch is part of the id: two branches on one base may well receive the same adapter. What a
     * withdrawal leaves out is too, after a '-' so that a composite withdrawing nothing keeps the id it
     * always had.
     */
    static String compositeId(String branch, String parentCompositeId, List<AdapterRef> fresh, List<AdapterRef> withdrawn, String strategy,
                              MergeOptions options) {
        String inputs = String.join("|", branch, String.valueOf(parentCompositeId),
                fresh.stream().map(AdapterRef::adapterModel).sorted().collect(Collectors.joining(",")), strategy,
                options.budget() + "," + options.lower() + "," + options.upper() + "," + options.l1() + "," + options.seed() + ","
                        + options.images());
        if (!withdrawn.isEmpty()) {
            inputs += "|-" + withdrawn.stream().map(AdapterRef::adapterModel).sorted().collect(Collectors.joining(","));
        }
        return ArtifactDigest.of(inputs.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
