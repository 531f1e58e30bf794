package dev.medforge.contracts.events;

import java.util.List;

/** The adapter failed at least one check; every failure is listed, not only the first. */
public record AdapterRejected(
        String submissionId,
        String institution,
        String branch,
        List<RejectionReason> reasons) implements EventData {

    /**
     * @param code  the rule that failed, e.g. {@code NORM_BOUND}
     * @param field the part, tensor or manifest field that broke it
     */
    public record RejectionReason(String code, String field, String message) {
    }
}
