package dev.medforge.registry.mapping;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.TaskMetrics;
import dev.medforge.contracts.events.WorkTime;
import dev.medforge.registry.BaseModel;
import dev.medforge.registry.Branch;
import dev.medforge.registry.Composite;
import dev.medforge.registry.DescribedVersion;
import dev.medforge.registry.JsonText;
import dev.medforge.registry.ModelVersion;
import dev.medforge.registry.PublishedVersion;
import dev.medforge.registry.Task;
import dev.medforge.registry.Withdrawal;
import dev.medforge.contracts.registry.Views.BaseModelView;
import dev.medforge.contracts.registry.Views.BranchView;
import dev.medforge.contracts.registry.Views.DecisionView;
import dev.medforge.contracts.registry.Views.ForkPoint;
import dev.medforge.contracts.registry.Views.ModelCard;
import dev.medforge.contracts.registry.Views.Policy;
import dev.medforge.contracts.registry.Views.Supersession;
import dev.medforge.contracts.registry.Views.TaskView;
import dev.medforge.contracts.registry.Views.Unavailability;
import dev.medforge.contracts.registry.Views.VersionView;
import dev.medforge.contracts.registry.Views.WithdrawalView;

import java.util.List;
import java.util.Map;

public final class BranchMapper {

    private BranchMapper() {
    }

    public static BranchView toView(Branch branch, BaseModel base) {
        return new BranchView(branch.id, base.id, base.digest, base.architecture,
                new Policy(branch.strategy, branch.maxRegression, branch.maxNewTaskGap, branch.rankLimit, branch.normBound,
                        branch.maxMembershipAuc, branch.minNearestRealRatio, branch.maxDistilledPerClass, branch.privacyAuditRequired),
                branch.headVersion, branch.headCompositeId, forkPoint(branch), branch.createdAt);
    }

    public static TaskView toView(Task task) {
        return new TaskView(task.branchId, task.name, task.institution,
                JsonText.read(task.classNames, new TypeReference<List<String>>() { }), task.evaluationSuite, task.createdAt);
    }

    public static VersionView toView(PublishedVersion published) {
        ModelVersion version = published.version();
        return new VersionView(version.branchId, version.number, version.compositeId, version.artifact, version.strategy,
                metrics(version), version.publishedAt, supersessions(published), unavailability(version), work(version));
    }

    public static ModelCard toCard(DescribedVersion described) {
        PublishedVersion published = described.published();
        ModelVersion version = published.version();
        Composite composite = published.composite();
        List<AdapterRef> adapters = published.members();
        return new ModelCard(version.branchId, version.number, composite.parentVersion, version.compositeId,
                version.artifact, version.strategy, metrics(version),
                JsonText.read(composite.coefficients, new TypeReference<Map<String, Double>>() { }),
                JsonText.read(composite.taskCoefficients, new TypeReference<Map<String, Map<String, Double>>>() { }),
                adapters, composite.adapterRefs().stream().map(AdapterRef::submissionId).toList(),
                adapters.stream().map(AdapterRef::institution).distinct().sorted().toList(), forkPoint(published.branch()),
                published.withdrawn().stream().map(BranchMapper::toView).toList(), supersessions(published), unavailability(version),
                version.publishedAt, new BaseModelView(described.base().id, described.base().digest, JsonText.tree(described.base().architecture)),
                described.servedTasks().stream().map(BranchMapper::toView).toList(), work(version));
    }

    public static DecisionView toView(Composite composite) {
        List<AdapterRef> adapters = composite.adapterRefs();
        return new DecisionView(composite.id, composite.parentVersion, composite.strategy, composite.decision.name(), composite.reasons,
                adapters.size(), adapters.stream().map(AdapterRef::task).distinct().sorted().toList(), composite.createdAt);
    }

    private static List<Supersession> supersessions(PublishedVersion published) {
        return published.supersededBy().stream()
                .map(w -> new Supersession(w.version, w.submissionId, w.institution, w.publishedAt))
                .toList();
    }

    private static Unavailability unavailability(ModelVersion version) {
        return version.unavailableAt == null ? null
                : new Unavailability(version.unavailableAt, version.unavailableBy, version.unavailableReason);
    }

    /** Both figures come from the one composite.evaluated that published the version, so both or neither are known. */
    private static WorkTime work(ModelVersion version) {
        return version.mergeMillis == null ? null : new WorkTime(version.mergeMillis, version.evaluationMillis);
    }

    public static WithdrawalView toView(Withdrawal withdrawal) {
        return new WithdrawalView(withdrawal.branchId, withdrawal.submissionId, withdrawal.institution, withdrawal.task,
                withdrawal.requestedBy, withdrawal.requesterInstitution, withdrawal.requestedAt, withdrawal.state.name(),
                withdrawal.version, withdrawal.gateReasons);
    }

    private static ForkPoint forkPoint(Branch branch) {
        return branch.forkedFromBranch == null ? null : new ForkPoint(branch.forkedFromBranch, branch.forkedFromVersion);
    }


    private static Map<String, TaskMetrics> metrics(ModelVersion version) {
        return JsonText.read(version.metrics, new TypeReference<>() { });
    }
}
