package dev.medforge.registry.service;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.artifacts.ArtifactDigest;
import dev.medforge.contracts.registry.Requests.CreateBranch;
import dev.medforge.contracts.registry.Requests.PolicyRequest;
import dev.medforge.contracts.registry.Requests.RegisterTask;
import dev.medforge.registry.BaseModel;
import dev.medforge.registry.Branch;
import dev.medforge.registry.Composite;
import dev.medforge.registry.JsonText;
import dev.medforge.registry.ModelVersion;
import dev.medforge.registry.PublishedVersion;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Task;
import dev.medforge.registry.config.RegistryConfig;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Registers base models, branches (new or forked) and tasks: what operators and institutions set up before submitting. */
@ApplicationScoped
public class BranchService {

    private final RegistryConfig config;

    BranchService(RegistryConfig config) {
        this.config = config;
    }

    /**
     * Creates the branch and, if new, its base model; or, with {@code fromBranch}, the fork of a
     * published version. The same base model id must keep its digest.
     */
    @WithTransaction
    public Uni<Branch> create(CreateBranch request) {
        return Branch.<Branch>findById(request.id()).flatMap(existing -> {
            if (existing != null) {
                throw RegistryException.conflict("branch '" + request.id() + "' exists already");
            }
            return request.fork() ? fork(request) : onBaseModel(request);
        });
    }

    private Uni<Branch> onBaseModel(CreateBranch request) {
        return BaseModel.<BaseModel>findById(request.baseModel().id()).flatMap(base -> {
            if (base != null && !base.digest.equals(request.baseModel().digest())) {
                throw RegistryException.conflict("base model '" + base.id + "' is registered with digest " + base.digest);
            }
            return base != null ? Uni.createFrom().item(base) : newBaseModel(request).<BaseModel>persist();
        }).flatMap(base -> newBranch(request, base).persist());
    }

    /**
     * The fork's version 1 is the source version's composite: the same artifact, metrics, strategy
     * and coefficients, so the gate judges the fork's next composite against exactly what the
     * source published. It gets a composite row of its own on the fork, because a composite id is
     * one version's (model_version.composite_id is unique) and the merge service keys its head
     * lineages by it. The artifact is referenced, not copied: the store is content-addressed and
     * never changes a digest's bytes, and the lineage inside the file is already the fork's.
     */
    private Uni<Branch> fork(CreateBranch request) {
        return Branch.<Branch>findById(request.fromBranch()).flatMap(source -> {
            if (source == null) {
                throw RegistryException.unknownReference(new FieldError("UNKNOWN_BRANCH", "fromBranch",
                        "no branch '" + request.fromBranch() + "' to fork"));
            }
            return VersionService.published(source.id, request.fromVersion());
        }).flatMap(published -> {
            if (published == null) {
                throw RegistryException.unknownReference(new FieldError("UNKNOWN_VERSION", "fromVersion",
                        "branch '" + request.fromBranch() + "' has no published version " + request.fromVersion()));
            }
            Composite start = forkComposite(request.id(), published);
            Branch fork = forkBranch(request, published.branch(), start);
            return fork.<Branch>persist()
                    .call(() -> start.persist())
                    .call(() -> firstVersion(fork, start, published.version()).persist())
                    .call(() -> Task.<Task>list("branchId", published.branch().id)
                            .flatMap(tasks -> Task.persist(tasks.stream().map(task -> forkTask(fork, task)).toList())));
        });
    }
    @WithTransaction
    public Uni<Branch> updatePolicy(String branchId, PolicyRequest policy) {
        return branch(branchId).map(branch -> {
            applyPolicy(branch, policy);
            return branch;
        });
    }

    @WithSession
    public Uni<Branch> find(String branchId) {
        return branch(branchId);
    }

    /**
     * The branches whose id is above {@code after}, by id, each with its base model: every one when
     * {@code limit} is null, else {@code limit + 1}, the extra one telling that a next page exists.
     * Ids compare by code point ({@code ucs_basic}), as Java compares them and so as {@code Page}
     * cuts the list; the database's own collation would put {@code a-b} after {@code ab}.
     */
    @WithSession
    public Uni<Map<Branch, BaseModel>> listWithBaseModels(String after, Integer limit) {
        var rows = Branch.<Branch>find("collate(id as ucs_basic) > ?1 order by collate(id as ucs_basic)", after == null ? "" : after);
        return (limit == null ? rows.list() : rows.range(0, limit).list()).flatMap(page -> BaseModel.<BaseModel>list("id in ?1",
                page.stream().map(branch -> branch.baseModelId).distinct().toList()).map(bases -> {
                    Map<String, BaseModel> byId = bases.stream().collect(Collectors.toMap(b -> b.id, b -> b));
                    Map<Branch, BaseModel> result = new LinkedHashMap<>();
                    page.forEach(branch -> result.put(branch, byId.get(branch.baseModelId)));
                    return result;
                }));
    }

    @WithSession
    public Uni<BaseModel> baseModelOf(Branch branch) {
        return BaseModel.findById(branch.baseModelId);
    }

    /** Registers a task. Registering the identical task again is accepted; a different one under the same name is not. */
    @WithTransaction
    public Uni<Task> registerTask(String branchId, RegisterTask request) {
        return branch(branchId)
                .flatMap(branch -> Task.<Task>findById(new Task.Key(branchId, request.name())))
                .flatMap(existing -> {
                    Task task = newTask(branchId, request);
                    if (existing == null) {
                        return task.persist();
                    }
                    if (existing.institution.equals(task.institution) && existing.classNames.equals(task.classNames)
                            && existing.evaluationSuite.equals(task.evaluationSuite)) {
                        return Uni.createFrom().item(existing);
                    }
                    if (!existing.institution.equals(task.institution)) {
                        // Unnamed owner: the refusal would otherwise tell any contributor which institution works on what.
                        throw RegistryException.conflict("task '" + request.name() + "' on branch '" + branchId
                                + "' is registered by another institution; choose another name");
                    }
                    throw RegistryException.conflict("task '" + request.name()
                            + "' is registered already by your institution with other classes or evaluation suite");
                });
    }

    @WithSession
    public Uni<List<Task>> tasks(String branchId) {
        return branch(branchId).flatMap(branch -> Task.list("branchId = ?1 order by name", branchId));
    }

    /** The composites the registry decided on, published or not, oldest first; those decided before it kept decisions are left out. */
    @WithSession
    public Uni<List<Composite>> decisions(String branchId) {
        return branch(branchId).flatMap(branch ->
                Composite.<Composite>list("branchId = ?1 and decision is not null order by createdAt, id", branchId));
    }

    /**
     * The registry's decision on one composite of the branch; 404 while it has none (a composite being
     * evaluated, or one it never heard of). A merge worker asks it to learn when the composite it has
     * in flight is settled (docs/decisions.md).
     */
    @WithSession
    public Uni<Composite> decision(String branchId, String compositeId) {
        return branch(branchId).flatMap(branch -> Composite.<Composite>find("id = ?1 and branchId = ?2 and decision is not null",
                compositeId, branchId).<Composite>firstResult()).map(composite -> {
                    if (composite == null) {
                        throw RegistryException.notFound("Decision on composite", compositeId);
                    }
                    return composite;
                });
    }

    private static Uni<Branch> branch(String branchId) {
        return Branch.<Branch>findById(branchId).map(branch -> {
            if (branch == null) {
                throw RegistryException.notFound("Branch", branchId);
            }
            return branch;
        });
    }

    private static BaseModel newBaseModel(CreateBranch request) {
        BaseModel base = new BaseModel();
        base.id = request.baseModel().id();
        base.digest = request.baseModel().digest();
        base.architecture = request.baseModel().architecture();
        base.createdAt = Instant.now();
        return base;
    }

    /** The policy of a new branch that sets none, every field given (medforge.registry.branch-defaults.*). */
    public PolicyRequest defaultPolicy() {
        RegistryConfig.BranchDefaults d = config.branchDefaults();
        return new PolicyRequest(d.strategy(), d.maxRegression(), d.maxNewTaskGap(), d.rankLimit(), d.normBound(), d.maxMembershipAuc(),
                d.minNearestRealRatio(), d.maxDistilledPerClass(), d.privacyAuditRequired());
    }

    private Branch newBranch(CreateBranch request, BaseModel base) {
        Branch branch = new Branch();
        branch.id = request.id();
        branch.baseModelId = base.id;
        branch.headVersion = 0;
        branch.createdAt = Instant.now();
        applyPolicy(branch, defaultPolicy());
        applyPolicy(branch, request.policy());
        return branch;
    }

    private static Branch forkBranch(CreateBranch request, Branch source, Composite start) {
        Branch fork = new Branch();
        fork.id = request.id();
        fork.baseModelId = source.baseModelId;
        fork.strategy = source.strategy;
        fork.maxRegression = source.maxRegression;
        fork.maxNewTaskGap = source.maxNewTaskGap;
        fork.rankLimit = source.rankLimit;
        fork.normBound = source.normBound;
        fork.maxMembershipAuc = source.maxMembershipAuc;
        fork.minNearestRealRatio = source.minNearestRealRatio;
        fork.maxDistilledPerClass = source.maxDistilledPerClass;
        fork.privacyAuditRequired = source.privacyAuditRequired;
        fork.headVersion = 1;
        fork.headCompositeId = start.id;
        fork.forkedFromBranch = source.id;
        fork.forkedFromVersion = request.fromVersion();
        fork.createdAt = Instant.now();
        applyPolicy(fork, request.policy());
        return fork;
    }

    /** Every adapter of the source version, as if the fork's version 1 had added them all to the bare base model. */
    private static Composite forkComposite(String forkId, PublishedVersion source) {
        Composite composite = new Composite();
        composite.id = forkCompositeId(forkId, source.composite().id);
        composite.branchId = forkId;
        composite.parentVersion = 0;
        composite.strategy = source.composite().strategy;
        composite.artifact = source.composite().artifact;
        composite.coefficients = source.composite().coefficients;
        composite.taskCoefficients = source.composite().taskCoefficients;
        composite.adapters = JsonText.write(source.members());
        composite.createdAt = Instant.now();
        return composite;
    }

    private static ModelVersion firstVersion(Branch fork, Composite start, ModelVersion source) {
        ModelVersion version = new ModelVersion();
        version.branchId = fork.id;
        version.number = 1;
        version.compositeId = start.id;
        version.artifact = source.artifact;
        version.strategy = source.strategy;
        version.metrics = source.metrics;
        version.publishedAt = fork.createdAt;
        return version;
    }

    /** Each task keeps its owner: only that institution may replace the task's adapter on the fork, as on the source. */
    private static Task forkTask(Branch fork, Task source) {
        Task task = new Task();
        task.branchId = fork.id;
        task.name = source.name;
        task.institution = source.institution;
        task.classNames = source.classNames;
        task.evaluationSuite = source.evaluationSuite;
        task.createdAt = fork.createdAt;
        return task;
    }

    /** Derived from the fork and the source composite, like a merge's id from its inputs. */
    private static String forkCompositeId(String forkId, String sourceCompositeId) {
        return ArtifactDigest.of(("fork|" + forkId + "|" + sourceCompositeId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void applyPolicy(Branch branch, PolicyRequest policy) {
        if (policy == null) {
            return;
        }
        branch.strategy = Objects.requireNonNullElse(policy.strategy(), branch.strategy);
        branch.maxRegression = Objects.requireNonNullElse(policy.maxRegression(), branch.maxRegression);
        branch.maxNewTaskGap = Objects.requireNonNullElse(policy.maxNewTaskGap(), branch.maxNewTaskGap);
        branch.rankLimit = Objects.requireNonNullElse(policy.rankLimit(), branch.rankLimit);
        branch.normBound = Objects.requireNonNullElse(policy.normBound(), branch.normBound);
        branch.maxMembershipAuc = Objects.requireNonNullElse(policy.maxMembershipAuc(), branch.maxMembershipAuc);
        branch.minNearestRealRatio = Objects.requireNonNullElse(policy.minNearestRealRatio(), branch.minNearestRealRatio);
        branch.maxDistilledPerClass = Objects.requireNonNullElse(policy.maxDistilledPerClass(), branch.maxDistilledPerClass);
        branch.privacyAuditRequired = Objects.requireNonNullElse(policy.privacyAuditRequired(), branch.privacyAuditRequired);
    }

    private static Task newTask(String branchId, RegisterTask request) {
        Task task = new Task();
        task.branchId = branchId;
        task.name = request.name();
        task.institution = request.institution();
        task.classNames = JsonText.write(request.classNames());
        task.evaluationSuite = request.evaluationSuite();
        task.createdAt = Instant.now();
        return task;
    }
}
