package dev.medforge.registry.mapping;

import dev.medforge.registry.Submission;
import dev.medforge.registry.SubmissionStatusEntry;
import dev.medforge.registry.Withdrawal;
import dev.medforge.contracts.registry.SubmissionView;

import java.util.List;

public final class SubmissionMapper {

    private SubmissionMapper() {
    }

    public static SubmissionView toView(Submission submission, List<SubmissionStatusEntry> history, List<Withdrawal> withdrawals) {
        return new SubmissionView(submission.id, submission.institution, submission.branch, submission.stage,
                submission.createdAt, submission.updatedAt,
                history.stream()
                        .map(e -> new SubmissionView.Entry(e.stage, e.detail, e.source, e.occurredAt))
                        .toList(),
                withdrawals.stream().map(BranchMapper::toView).toList());
    }
}
