package dev.medforge.registry.service;

import dev.medforge.contracts.Problem.FieldError;
import dev.medforge.contracts.events.AdapterRef;
import dev.medforge.contracts.events.CompositeRebase;
import dev.medforge.contracts.events.EventEnvelope;
import dev.medforge.contracts.registry.Requests.WithdrawalRequest;
import dev.medforge.registry.Branch;
import dev.medforge.registry.OutboxEvent;
import dev.medforge.registry.PublishedVersion;
import dev.medforge.registry.RegistryException;
import dev.medforge.registry.Submission;
import dev.medforge.registry.Withdrawal;
import dev.medforge.registry.security.ActingUser;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Takes a published contribution out of a branch, as {@code git revert} would: the request is
 * recorded, and a rebase without the submission goes to the merge workers in the same transaction
 * (through the outbox). The composite they build is evaluated and gated like any other; publishing
 * it completes the withdrawal.
 */
@ApplicationScoped
public class WithdrawalService {

    private static final Logger LOG = Logger.getLogger(WithdrawalService.class);

    /**
     * Holds the branch row lock, as publishing does, so the head read here is the head the rebase
     * names, and two requests for one submission cannot both pass the pending check.
     */
    @WithTransaction
    public Uni<Withdrawal> request(String branchId, String submissionId, ActingUser user) {
        WithdrawalRequest request = new WithdrawalRequest(user.name(), user.institution().orElse(null));
        return Branch.<Branch>findById(branchId, LockModeType.PESSIMISTIC_WRITE).flatMap(branch -> {
            if (branch == null) {
                throw RegistryException.notFound("Branch", branchId);
            }
            return Submission.<Submission>findById(submissionId).flatMap(submission -> {
                // Another institution's submission is as unknown to this user as one that does not exist.
                if (submission == null || !user.mayActFor(submission.institution)) {
                    throw RegistryException.notFound("Submission", submissionId);
                }
                return Withdrawal.<Withdrawal>list("branchId = ?1 and state = ?2", branchId, Withdrawal.State.PENDING)
                        .flatMap(pending -> Withdrawal.<Withdrawal>findById(new Withdrawal.Key(branchId, submissionId))
                                .flatMap(earlier -> VersionService.published(branchId, branch.headVersion)
                                        .flatMap(head -> record(branch, submission, earlier, head, pending.size(), request))));
            });
        });
    }

    /** @param pending how many other withdrawals from the branch are under way: their adapters are leaving too */
    private static Uni<Withdrawal> record(Branch branch, Submission submission, Withdrawal earlier, PublishedVersion head,
                                          int pending, WithdrawalRequest request) {
        if (earlier != null && earlier.state == Withdrawal.State.PENDING) {
            throw RegistryException.conflict(new FieldError("WITHDRAWAL_PENDING", "submission", "submission " + submission.id
                    + " is being withdrawn from branch '" + branch.id + "' already (asked by " + earlier.requestedBy + " at "
                    + earlier.requestedAt + ")"));
        }
        if (earlier != null && earlier.state == Withdrawal.State.PUBLISHED) {
            throw RegistryException.conflict(new FieldError("ALREADY_WITHDRAWN", "submission", "submission " + submission.id
                    + " was withdrawn from branch '" + branch.id + "' in version " + earlier.version + " (asked by "
                    + earlier.requestedBy + " at " + earlier.requestedAt + ")"));
        }
        List<AdapterRef> members = head == null ? List.of() : head.members();
        AdapterRef leaving = members.stream().filter(m -> m.submissionId().equals(submission.id)).findFirst()
                .orElseThrow(() -> RegistryException.conflict(new FieldError("NOT_IN_HEAD", "submission", "submission " + submission.id
                        + " (" + submission.stage + ") is not in version " + branch.headVersion + ", the head of branch '" + branch.id
                        + "': only a published contribution can be withdrawn")));
        if (members.size() - pending <= 1) {
            throw RegistryException.conflict(new FieldError("LAST_CONTRIBUTION", "submission", "submission " + submission.id
                    + " is the last adapter of version " + branch.headVersion + " of branch '" + branch.id + "' not being withdrawn"
                    + " already: a version needs at least one"));
        }
        Withdrawal withdrawal = earlier != null ? earlier : new Withdrawal();
        withdrawal.branchId = branch.id;
        withdrawal.submissionId = submission.id;
        withdrawal.institution = leaving.institution();
        withdrawal.task = leaving.task();
        withdrawal.requestedBy = request.requestedBy();
        withdrawal.requesterInstitution = request.requesterInstitution();
        withdrawal.requestedAt = Instant.now();
        withdrawal.state = Withdrawal.State.PENDING;
        withdrawal.version = null;
        withdrawal.gateReasons = null;
        CompositeRebase rebase = new CompositeRebase(branch.id, branch.headVersion, branch.headCompositeId, branch.headCompositeId,
                List.of(), null, List.of(leaving), CompositeRebase.Reason.WITHDRAWAL);
        LOG.infof("branch %s: %s asks to withdraw submission %s of %s from version %d", branch.id, request.requestedBy(), submission.id,
                leaving.institution(), branch.headVersion);
        return withdrawal.<Withdrawal>persist()
                .call(w -> OutboxEvent.of(EventEnvelope.wrap(PublishingService.SOURCE, rebase), withdrawal.requestedAt).persist());
    }
}
