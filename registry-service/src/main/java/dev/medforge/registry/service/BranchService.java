package dev.medforge.registry.service;

import dev.medforge.registry.BaseModel;
import dev.medforge.registry.Branch;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Task;
import dev.medforge.registry.config.RegistryConfig;
import dev.medforge.registry.mapping.JsonText;
import dev.medforge.registry.rest.BranchRequests.CreateBranch;
import dev.medforge.registry.rest.BranchRequests.PolicyRequest;
import dev.medforge.registry.rest.BranchRequests.RegisterTask;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Registers base models, branches and tasks: what operators and institutions set up before submitting. */
@ApplicationScoped
public class BranchService {

    private final RegistryConfig config;

    BranchService(RegistryConfig config) {
        this.config = config;
    }

    /** Creates the branch and, if new, its base model. The same base model id must keep its digest. */
    @WithTransaction
    public Uni<Branch> create(CreateBranch request) {
        return Branch.<Branch>findById(request.id()).flatMap(existing -> {
            if (existing != null) {
                throw RegistryException.conflict("branch '" + request.id() + "' exists already");
            }
            return BaseModel.<BaseModel>findById(request.baseModel().id());
        }).flatMap(base -> {
            if (base != null && !base.digest.equals(request.baseModel().digest())) {
                throw RegistryException.conflict("base model '" + base.id + "' is registered with digest " + base.digest);
            }
            return base != null ? Uni.createFrom().item(base) : newBaseModel(request).<BaseModel>persist();
        }).flatMap(base -> newBranch(request, base).persist());
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

    /** Every branch with its base model, in creation order. */
    @WithSession
    public Uni<Map<Branch, BaseModel>> listWithBaseModels() {
        return BaseModel.<BaseModel>listAll().flatMap(bases -> Branch.<Branch>list("order by createdAt").map(all -> {
            Map<String, BaseModel> byId = bases.stream().collect(Collectors.toMap(b -> b.id, b -> b));
            Map<Branch, BaseModel> result = new LinkedHashMap<>();
            all.forEach(branch -> result.put(branch, byId.get(branch.baseModelId)));
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

    private Branch newBranch(CreateBranch request, BaseModel base) {
        RegistryConfig.BranchDefaults defaults = config.branchDefaults();
        Branch branch = new Branch();
        branch.id = request.id();
        branch.baseModelId = base.id;
        branch.strategy = defaults.strategy();
        branch.maxRegression = defaults.maxRegression();
        branch.maxNewTaskGap = defaults.maxNewTaskGap();
        branch.rankLimit = defaults.rankLimit();
        branch.normBound = defaults.normBound();
        branch.headVersion = 0;
        branch.createdAt = Instant.now();
        applyPolicy(branch, request.policy());
        return branch;
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
